#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tms/parallel/thread_pool.hpp>
#include <tms/core.hpp>

TEST_CASE("parallel_for visits every index exactly once") {
    for (const unsigned threads : {1u, 2u, 3u}) {
        tms::ThreadPool pool(threads);
        CHECK(pool.size() == threads);
        std::vector<std::atomic<int>> visits(1000);
        for (int round = 0; round < 20; ++round) pool.parallel_for(1000, [&](tms::Index i) { ++visits[i]; });
        for (const auto& v : visits) CHECK(v.load() == 20);
    }
}

TEST_CASE("parallel_for rethrows the first exception and stays usable") {
    tms::ThreadPool pool(2);
    CHECK_THROWS_WITH_AS(pool.parallel_for(100,
                                           [](tms::Index i) {
                                               if (i == 17) throw std::runtime_error("model 17 failed");
                                           }),
                         "model 17 failed", std::runtime_error);
    std::atomic<int> count{0};
    pool.parallel_for(10, [&](tms::Index) { ++count; });
    CHECK(count.load() == 10);
    pool.parallel_for(0, [&](tms::Index) { ++count; });
    CHECK(count.load() == 10);
}

TEST_CASE("training many models gives bit-identical weights on 1 and 2 threads") {
    // Sparsities that exercise the sparse, dense and lanes-over-samples tiles.
    const std::vector<double> probabilities{1.0, 0.3, 0.05, 0.01};
    const auto train_all = [&](unsigned threads) {
        std::vector<tms::ReluOutputModelXf> models(probabilities.size(), tms::ReluOutputModelXf(20, 5));
        std::vector<tms::AbsValueModelXf> abs_models(probabilities.size(), tms::AbsValueModelXf(30, 12));
        tms::parallel_for(static_cast<tms::Index>(2 * probabilities.size()), threads, [&](tms::Index k) {
            const auto i = static_cast<std::size_t>(k) % probabilities.size();
            tms::TrainOptions options;
            options.steps = 150;
            options.seed = i;
            if (static_cast<std::size_t>(k) < probabilities.size()) {
                tms::initialize(models[i], i);
                const tms::SparseFeatureSampler<float> data(20, probabilities[i]);
                tms::train(models[i], data, tms::geometric_importance<float>(20, 0.7), options);
            } else {
                tms::initialize(abs_models[i], i);
                const tms::SparseFeatureSampler<float> data(30, probabilities[i], tms::FeatureRange::symmetric);
                tms::train(abs_models[i], data, tms::geometric_importance<float>(30, 0.8), options);
            }
        });
        return std::pair(models, abs_models);
    };
    const auto one = train_all(1);
    const auto two = train_all(2);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        CAPTURE(probabilities[i]);
        CHECK(one.first[i] == two.first[i]);
        CHECK(one.second[i] == two.second[i]);
        CHECK(one.first[i].W().allFinite());
    }
}

// Sanitizers reserve terabytes of address space, so an address-space limit cannot stand for a memory limit there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TMS_TEST_SANITIZED_ADDRESS_SPACE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define TMS_TEST_SANITIZED_ADDRESS_SPACE 1
#endif
#endif
#ifndef TMS_TEST_SANITIZED_ADDRESS_SPACE
TEST_CASE("a pool that cannot start its threads joins the started ones and throws instead of hanging") {
    // A forked child caps its address space a little above what it uses, so thread stacks (8 MiB each) run out
    // after a few threads; alarm() turns a hang into a failure.
    const pid_t child = ::fork();
    if (child == 0) {
        ::alarm(60);
        long pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        const auto used = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
        const ::rlimit limit{used + (64u << 20), used + (64u << 20)};
        if (pages == 0 || ::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(3);
        try {
            tms::ThreadPool pool(1000);
            ::_exit(4);  // every thread started: the limit did not bite
        } catch (const std::system_error& e) {
            const std::string message = e.what();
            ::_exit(message.find("of 1000") != std::string::npos ? 0 : 1);
        } catch (...) {
            ::_exit(2);
        }
    }
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    INFO("child status " << status);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
#endif
