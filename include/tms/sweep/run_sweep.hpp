#pragma once
/// \file sweep/run_sweep.hpp
/// tms::run_sweep: train many configs on the cores of one machine, handing each result to a single writer as it
/// finishes (the building block of resumable sweeps; tms/mpi/sweep.hpp spreads the same work over processes).
///
///     const std::vector<tms::ModelConfig> configs = grid.expand();
///     tms::run_sweep(configs, /*threads=*/2, [&](tms::Index index, const tms::SweepResult& result) {
///         append_line(result);   // runs on the calling thread, one result at a time
///     });

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <numeric>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../fwd.hpp"
#include "../parallel/thread_pool.hpp"
#include "run_config.hpp"
#include "sweep_config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

namespace detail {

/// Finished results on their way from the compute threads to the one thread that writes them.
class ResultQueue {
public:
    using Item = std::pair<Index, SweepResult>;

    void push(Index index, SweepResult result) {
        {
            std::lock_guard lock(mutex_);
            items_.emplace_back(index, std::move(result));
        }
        ready_.notify_one();
    }

    /// No more pushes will come; pop() returns nullopt once the queue is empty.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
    }

    /// The oldest result, waiting until one arrives, the queue is closed, or \p timeout passes (nullopt: forever).
    [[nodiscard]] std::optional<Item> pop(std::optional<std::chrono::microseconds> timeout = std::nullopt) {
        std::unique_lock lock(mutex_);
        const auto has_news = [this] { return !items_.empty() || closed_; };
        if (timeout) ready_.wait_for(lock, *timeout, has_news);
        else ready_.wait(lock, has_news);
        if (items_.empty()) return std::nullopt;
        Item item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

    /// Closed and drained: every result has been popped.
    [[nodiscard]] bool finished() const {
        std::lock_guard lock(mutex_);
        return closed_ && items_.empty();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Item> items_;
    bool closed_ = false;
};

/// \p threads compute threads (a tms::ThreadPool driven from one launcher thread; 0: one per core) that each take
/// the next config index from next() until it returns nullopt, train it with run_config and hand the result to
/// sink(); on_stop() runs once they have all stopped. The constructing thread stays free to write results.
class ComputeThreads {
public:
    using Next = std::function<std::optional<Index>()>;
    using Sink = std::function<void(Index, SweepResult&&)>;

    ComputeThreads(std::span<const ModelConfig> configs, unsigned threads, Next next, Sink sink,
                   std::function<void()> on_stop)
        : pool_(threads),
          launcher_([this, configs, next = std::move(next), sink = std::move(sink), on_stop = std::move(on_stop)] {
              try {
                  pool_.parallel_for(static_cast<Index>(pool_.size()), [&](Index) {
                      try {
                          while (!cancelled_.load()) {
                              const std::optional<Index> index = next();
                              if (!index) break;
                              sink(*index, run_config(configs[static_cast<std::size_t>(*index)]));
                          }
                      } catch (...) {
                          cancelled_.store(true);  // the other threads stop after their current config
                          throw;
                      }
                  });
              } catch (...) {
                  error_ = std::current_exception();
              }
              on_stop();
          }) {}

    /// Compute threads feeding \p queue, which is closed when they stop.
    ComputeThreads(std::span<const ModelConfig> configs, unsigned threads, Next next, ResultQueue& queue)
        : ComputeThreads(
              configs, threads, std::move(next),
              [&queue](Index index, SweepResult&& result) { queue.push(index, std::move(result)); },
              [&queue] { queue.close(); }) {}

    ComputeThreads(const ComputeThreads&) = delete;
    ComputeThreads& operator=(const ComputeThreads&) = delete;

    ~ComputeThreads() {
        cancel();
        join();
    }

    /// Threads stop taking new configs (the ones running finish).
    void cancel() noexcept { cancelled_.store(true); }

    /// Waits for every thread to stop.
    void join() {
        if (launcher_.joinable()) launcher_.join();
    }

    /// join(), then rethrows the first exception a config threw, if any.
    void rethrow_if_failed() {
        join();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    ThreadPool pool_;
    std::atomic<bool> cancelled_{false};
    std::exception_ptr error_;
    std::thread launcher_;  // last: starts once everything it uses exists
};

}  // namespace detail

/// Trains configs[i] for each i in \p indices on \p threads threads (0: one per core) and calls
/// on_result(i, const SweepResult&) on the calling thread as each finishes, one call at a time, so a single
/// writer sees every result and lines written from it never interleave.
///
/// Configs are handed out one at a time in the order of \p indices (dynamic load balancing); each is
/// deterministic, so the results do not depend on the thread count, only their arrival order does.
/// If on_result throws, no new config starts, the running ones finish unreported, and the exception propagates.
/// \throws std::invalid_argument (before anything runs) if an index is out of range or a config is invalid.
template <class OnResult>
void run_sweep(std::span<const ModelConfig> configs, std::span<const Index> indices, unsigned threads,
               OnResult&& on_result) {
    for (const Index index : indices)
        detail::require(index >= 0 && static_cast<std::size_t>(index) < configs.size(), "sweep index ", index,
                        " is outside the ", configs.size(), " configs");
    for (const Index index : indices) validate(configs[static_cast<std::size_t>(index)]);
    if (indices.empty()) return;
    std::atomic<std::size_t> next{0};
    detail::ResultQueue queue;
    detail::ComputeThreads compute(
        configs, threads,
        [&]() -> std::optional<Index> {
            const std::size_t k = next.fetch_add(1);
            if (k >= indices.size()) return std::nullopt;
            return indices[k];
        },
        queue);
    try {
        while (auto item = queue.pop()) on_result(item->first, std::as_const(item->second));
    } catch (...) {
        compute.cancel();
        compute.join();
        throw;
    }
    compute.rethrow_if_failed();
}

/// run_sweep over every config, in order.
template <class OnResult>
void run_sweep(std::span<const ModelConfig> configs, unsigned threads, OnResult&& on_result) {
    std::vector<Index> indices(configs.size());
    std::iota(indices.begin(), indices.end(), Index{0});
    run_sweep(configs, std::span<const Index>(indices), threads, std::forward<OnResult>(on_result));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
