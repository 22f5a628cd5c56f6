#pragma once
/// \file parallel/thread_pool.hpp
/// A small thread pool for training many independent models at once (no OpenMP needed by consumers).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../fwd.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// A fixed set of worker threads that run index-parallel loops with dynamic scheduling.
///
/// parallel_for hands out indices one at a time from an atomic counter, so models of different cost balance
/// across threads; since each index does its own deterministic work, results do not depend on the thread count.
/// The calling thread works too, so ThreadPool(1) runs everything on the caller.
class ThreadPool {
public:
    /// \p threads workers in total including the caller; 0 means std::thread::hardware_concurrency().
    /// \throws std::system_error naming the thread count if the system cannot start that many threads (a memory
    ///         or process-count limit); the threads already started are stopped and joined first, so a failed
    ///         construction neither hangs nor terminates the program.
    explicit ThreadPool(unsigned threads = 0) {
        const unsigned total = threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
        workers_.reserve(total - 1);
        for (unsigned t = 1; t < total; ++t) {
            try {
                workers_.emplace_back([this] { worker_loop(); });
            } catch (const std::system_error& e) {
                stop_and_join();
                throw std::system_error(e.code(), "cannot start thread " + std::to_string(t + 1) + " of " +
                                                      std::to_string(total) + " (a memory or process-count limit?)");
            } catch (...) {
                stop_and_join();
                throw;
            }
        }
    }

    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    ~ThreadPool() { stop_and_join(); }

    /// Threads that run a loop, the caller included.
    [[nodiscard]] unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()) + 1; }

    /// Calls body(i) for every i in [0, count), spread over the pool; returns when all calls have finished.
    /// The first exception thrown by a body is rethrown here (the remaining indices are skipped).
    template <class Body>
    void parallel_for(Index count, Body&& body) {
        if (count <= 0) return;
        std::function<void(Index)> task = std::ref(body);
        std::unique_lock lock(mutex_);
        task_ = &task;
        count_ = count;
        next_.store(0);
        error_ = nullptr;
        busy_workers_ = static_cast<unsigned>(workers_.size());
        ++generation_;
        lock.unlock();
        wake_workers_.notify_all();
        run_indices();
        lock.lock();
        all_done_.wait(lock, [this] { return busy_workers_ == 0; });
        task_ = nullptr;
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    void stop_and_join() noexcept {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_workers_.notify_all();
        for (auto& worker : workers_)
            if (worker.joinable()) worker.join();
    }

    void run_indices() {
        for (;;) {
            const Index i = next_.fetch_add(1);
            if (i >= count_) return;
            try {
                (*task_)(i);
            } catch (...) {
                std::lock_guard lock(mutex_);
                if (!error_) error_ = std::current_exception();
                next_.store(count_);  // stop handing out work
            }
        }
    }

    void worker_loop() {
        std::uint64_t seen = 0;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                wake_workers_.wait(lock, [&] { return stopping_ || generation_ != seen; });
                if (stopping_) return;
                seen = generation_;
            }
            run_indices();
            {
                std::lock_guard lock(mutex_);
                --busy_workers_;
            }
            all_done_.notify_one();
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_workers_;
    std::condition_variable all_done_;
    std::function<void(Index)>* task_ = nullptr;
    Index count_ = 0;
    std::atomic<Index> next_{0};
    std::exception_ptr error_;
    unsigned busy_workers_ = 0;
    std::uint64_t generation_ = 0;
    bool stopping_ = false;
};

/// Calls body(i) for i in [0, count) on \p threads threads (0: all cores) with a pool made for the call.
template <class Body>
void parallel_for(Index count, unsigned threads, Body&& body) {
    ThreadPool pool(threads == 0 ? 0 : static_cast<unsigned>(std::min<Index>(threads, std::max<Index>(count, 1))));
    pool.parallel_for(count, std::forward<Body>(body));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
