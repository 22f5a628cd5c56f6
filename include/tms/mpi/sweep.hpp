#pragma once
/// \file mpi/sweep.hpp
/// tms::mpi::run_sweep: the same sweep as tms::run_sweep, spread over the ranks of an MPI communicator.
///
/// An optional integration: include it yourself and link MPI (find_package(MPI COMPONENTS CXX)); tms.hpp never
/// includes it, and it is only installed/tested when MPI is found.
///
///     int provided = 0;
///     MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
///     const auto configs = grid.expand();                       // every rank expands the same grid
///     tms::mpi::run_sweep(MPI_COMM_WORLD, configs, pending, /*threads=*/1,
///                         [&](tms::Index i, const tms::SweepResult& r) { append_line(r); });   // rank 0 only
///     MPI_Finalize();
///
/// Design. Rank 0 coordinates and writes: its main thread hands out config indices one at a time to whoever asks
/// (dynamic load balancing, so slow and fast configs and slow and fast nodes even out), receives serialised
/// results and calls on_result, one at a time; it also runs \p threads compute threads of its own, so no core
/// idles while coordinating (the coordinator sleeps on a condition variable and polls MPI every millisecond).
/// Every other rank runs \p threads compute threads whose requests and results are funnelled through its main
/// thread, the only one that calls MPI (MPI_THREAD_FUNNELED is enough).
///
/// One thread per rank (threads = 1, one rank per core: `srun --ntasks-per-node=<cores>`) is the recommended
/// layout: it is how Slurm and mpirun place processes by default, a rank's memory stays on its core's NUMA node,
/// and the only cost over threads is one message round trip per config (microseconds on a node, tens of
/// microseconds across an interconnect, against the milliseconds to seconds a model trains).
/// threads > 1 per rank is there for launchers that give one rank per node.

#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../errors.hpp"
#include "../sweep/run_sweep.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace mpi {

namespace detail {

enum Tag : int {
    tag_request = 1,  ///< worker → 0: give me a config index (empty)
    tag_assign = 2,   ///< 0 → worker: one std::int64_t, the index or −1 for "no more"
    tag_result = 3,   ///< worker → 0: an encoded result
    tag_failed = 4,   ///< worker → 0: the message of an exception that stopped the worker
    tag_done = 5,     ///< worker → 0: no more messages from this rank (empty)
};

/// Appends values to a byte buffer in the machine's representation (ranks of one job share an architecture).
class Encoder {
public:
    template <class T>
    void put(const T& value) {
        const auto* bytes = reinterpret_cast<const char*>(&value);
        bytes_.insert(bytes_.end(), bytes, bytes + sizeof(T));
    }
    void put_string(const std::string& text) {
        put(static_cast<std::int64_t>(text.size()));
        bytes_.insert(bytes_.end(), text.begin(), text.end());
    }
    template <class Matrix>
    void put_matrix(const Matrix& m) {
        put(static_cast<std::int64_t>(m.rows()));
        put(static_cast<std::int64_t>(m.cols()));
        const auto* bytes = reinterpret_cast<const char*>(m.data());
        bytes_.insert(bytes_.end(), bytes, bytes + sizeof(typename Matrix::Scalar) * static_cast<std::size_t>(m.size()));
    }
    [[nodiscard]] std::vector<char>& bytes() noexcept { return bytes_; }

private:
    std::vector<char> bytes_;
};

/// Reads what Encoder wrote; throws tms::format_error on a short or inconsistent buffer.
class Decoder {
public:
    explicit Decoder(std::span<const char> bytes) : bytes_(bytes) {}

    template <class T>
    [[nodiscard]] T get() {
        T value;
        std::memcpy(&value, take(sizeof(T)), sizeof(T));
        return value;
    }
    [[nodiscard]] std::string get_string() {
        const auto size = get<std::int64_t>();
        check(size >= 0, "negative string length");
        const char* data = take(static_cast<std::size_t>(size));
        return std::string(data, static_cast<std::size_t>(size));
    }
    template <class Matrix>
    void get_matrix(Matrix& m) {
        const auto rows = get<std::int64_t>();
        const auto cols = get<std::int64_t>();
        check(rows >= 0 && cols >= 0, "negative matrix size");
        m.resize(rows, cols);
        const std::size_t size = sizeof(typename Matrix::Scalar) * static_cast<std::size_t>(rows * cols);
        if (size > 0) std::memcpy(m.data(), take(size), size);
    }
    [[nodiscard]] bool at_end() const noexcept { return position_ == bytes_.size(); }

private:
    const char* take(std::size_t count) {
        check(count <= bytes_.size() - position_, "result message is truncated");
        const char* data = bytes_.data() + position_;
        position_ += count;
        return data;
    }
    static void check(bool condition, const char* what) {
        if (!condition) throw format_error(std::string("tms::mpi: ") + what);
    }

    std::span<const char> bytes_;
    std::size_t position_ = 0;
};

/// The bytes of \p result for config \p index (the config itself travels as the index).
[[nodiscard]] inline std::vector<char> encode(Index index, const SweepResult& result) {
    Encoder out;
    out.put(static_cast<std::int64_t>(index));
    out.put(result.final_loss);
    out.put(static_cast<std::int64_t>(result.steps_completed));
    out.put(static_cast<std::uint8_t>(result.diverged));
    out.put_string(result.error);
    out.put_matrix(result.W);
    out.put_matrix(result.W2);
    out.put_matrix(result.b);
    out.put_matrix(result.feature_norms);
    out.put_matrix(result.superposition);
    out.put(static_cast<std::int64_t>(result.represented));
    out.put(static_cast<std::int64_t>(result.neurons.dead));
    out.put(static_cast<std::int64_t>(result.neurons.monosemantic));
    out.put(static_cast<std::int64_t>(result.neurons.polysemantic));
    out.put(result.dimensions_per_feature);
    out.put(result.seconds);
    return std::move(out.bytes());
}

/// The inverse of encode; \p configs supplies the config of the decoded index.
[[nodiscard]] inline std::pair<Index, SweepResult> decode(std::span<const char> bytes,
                                                          std::span<const ModelConfig> configs) {
    Decoder in(bytes);
    const auto index = static_cast<Index>(in.get<std::int64_t>());
    if (index < 0 || static_cast<std::size_t>(index) >= configs.size())
        throw format_error(tms::detail::concat("tms::mpi: result for config ", index, " of ", configs.size()));
    SweepResult result;
    result.config = configs[static_cast<std::size_t>(index)];
    result.final_loss = in.get<double>();
    result.steps_completed = in.get<std::int64_t>();
    result.diverged = in.get<std::uint8_t>() != 0;
    result.error = in.get_string();
    in.get_matrix(result.W);
    in.get_matrix(result.W2);
    in.get_matrix(result.b);
    in.get_matrix(result.feature_norms);
    in.get_matrix(result.superposition);
    result.represented = static_cast<Index>(in.get<std::int64_t>());
    result.neurons.dead = static_cast<Index>(in.get<std::int64_t>());
    result.neurons.monosemantic = static_cast<Index>(in.get<std::int64_t>());
    result.neurons.polysemantic = static_cast<Index>(in.get<std::int64_t>());
    result.dimensions_per_feature = in.get<double>();
    result.seconds = in.get<double>();
    if (!in.at_end()) throw format_error("tms::mpi: result message has trailing bytes");
    return {index, std::move(result)};
}

/// A checksum of every config's key, to check that all ranks expanded the same list.
[[nodiscard]] inline std::uint64_t configs_checksum(std::span<const ModelConfig> configs) {
    std::string all = std::to_string(configs.size());
    for (const ModelConfig& c : configs) all += "|" + c.key();
    return tms::detail::stable_hash(all);
}

inline void check_mpi(int code, const char* call) {
    if (code != MPI_SUCCESS) throw tms::error(std::string("tms::mpi: ") + call + " failed");
}

/// Between a worker rank's compute threads and its main thread (the only one that calls MPI).
class WorkerChannel {
public:
    /// A compute thread asks for its next config and waits for the main thread to fetch it from rank 0.
    std::optional<Index> next() {
        std::unique_lock lock(mutex_);
        ++requests_;
        main_wake_.notify_one();
        replies_ready_.wait(lock, [this] { return !replies_.empty(); });
        const std::optional<Index> reply = replies_.front();
        replies_.pop_front();
        return reply;
    }
    void push(Index index, SweepResult&& result) {
        std::lock_guard lock(mutex_);
        results_.emplace_back(index, std::move(result));
        main_wake_.notify_one();
    }
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        main_wake_.notify_one();
    }

    /// The main thread's loop: forwards results and requests to rank 0 until the compute threads stop.
    void serve(MPI_Comm comm) {
        bool exhausted = false;
        std::unique_lock lock(mutex_);
        for (;;) {
            main_wake_.wait(lock, [this] { return !results_.empty() || requests_ > 0 || stopped_; });
            if (!results_.empty()) {  // results first: a thread pushes its result before asking again
                auto [index, result] = std::move(results_.front());
                results_.pop_front();
                lock.unlock();
                std::vector<char> bytes = encode(index, result);
                check_mpi(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, tag_result, comm),
                          "MPI_Send(result)");
                lock.lock();
            } else if (requests_ > 0) {
                --requests_;
                lock.unlock();
                std::optional<Index> reply;
                if (!exhausted) {
                    std::int64_t assigned = -1;
                    check_mpi(MPI_Send(nullptr, 0, MPI_BYTE, 0, tag_request, comm), "MPI_Send(request)");
                    check_mpi(MPI_Recv(&assigned, 1, MPI_INT64_T, 0, tag_assign, comm, MPI_STATUS_IGNORE),
                              "MPI_Recv(assign)");
                    if (assigned < 0) exhausted = true;
                    else reply = static_cast<Index>(assigned);
                }
                lock.lock();
                replies_.push_back(reply);
                replies_ready_.notify_all();
            } else {
                return;  // stopped, nothing left to forward
            }
        }
    }

private:
    std::mutex mutex_;
    std::condition_variable main_wake_;
    std::condition_variable replies_ready_;
    std::deque<std::pair<Index, SweepResult>> results_;
    std::deque<std::optional<Index>> replies_;
    int requests_ = 0;
    bool stopped_ = false;
};

}  // namespace detail

/// Trains configs[i] for each i in \p indices across the ranks of \p comm, \p threads compute threads per rank
/// (0: one per core), and calls on_result(i, const SweepResult&) on rank 0's calling thread as each finishes, one
/// call at a time. Collective: every rank of \p comm calls it with the same \p configs; \p indices is read on rank 0
/// only (other ranks may pass an empty span).
///
/// The results are bitwise those of tms::run_sweep (each config is deterministic and travels as raw bytes); only
/// their order and the seconds differ.
/// \pre MPI is initialised with at least MPI_THREAD_FUNNELED, and called from the thread that initialised it.
/// \throws std::invalid_argument on every rank if the ranks' config lists differ, or (on rank 0) for a bad index
///         or config; on rank 0 the exception of on_result or of a failed rank, after every rank has stopped
///         cleanly (no new configs start; running ones finish); on a failed worker rank its own exception.
template <class OnResult>
void run_sweep(MPI_Comm comm, std::span<const ModelConfig> configs, std::span<const Index> indices, unsigned threads,
               OnResult&& on_result) {
    int rank = 0, size = 1;
    detail::check_mpi(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
    detail::check_mpi(MPI_Comm_size(comm, &size), "MPI_Comm_size");

    // Every rank must index the same list; a mismatch (different grid files, versions) stops all of them.
    std::uint64_t checksum = detail::configs_checksum(configs);
    std::uint64_t root_checksum = checksum;
    detail::check_mpi(MPI_Bcast(&root_checksum, 1, MPI_UINT64_T, 0, comm), "MPI_Bcast");
    int bad_here = root_checksum != checksum ? 1 : 0;
    if (rank == 0) {
        try {
            for (const Index index : indices)
                tms::detail::require(index >= 0 && static_cast<std::size_t>(index) < configs.size(), "sweep index ",
                                     index, " is outside the ", configs.size(), " configs");
            for (const Index index : indices) validate(configs[static_cast<std::size_t>(index)]);
        } catch (...) {
            bad_here = 2;
        }
    }
    int bad = 0;
    detail::check_mpi(MPI_Allreduce(&bad_here, &bad, 1, MPI_INT, MPI_MAX, comm), "MPI_Allreduce");
    if (bad == 1)
        throw std::invalid_argument("tms::mpi::run_sweep: the ranks were given different config lists");
    if (bad == 2) {
        if (rank == 0) {  // rethrow the validation error with its message
            for (const Index index : indices)
                tms::detail::require(index >= 0 && static_cast<std::size_t>(index) < configs.size(), "sweep index ",
                                     index, " is outside the ", configs.size(), " configs");
            for (const Index index : indices) validate(configs[static_cast<std::size_t>(index)]);
        }
        throw std::invalid_argument("tms::mpi::run_sweep: rank 0 rejected the configs");
    }

    if (rank != 0) {
        detail::WorkerChannel channel;
        std::exception_ptr failure;
        {
            tms::detail::ComputeThreads compute(
                configs, threads, [&channel] { return channel.next(); },
                [&channel](Index index, SweepResult&& result) { channel.push(index, std::move(result)); },
                [&channel] { channel.stop(); });
            channel.serve(comm);
            try {
                compute.rethrow_if_failed();
            } catch (const std::exception& e) {
                failure = std::current_exception();
                const std::string message = e.what();
                detail::check_mpi(MPI_Send(message.data(), static_cast<int>(message.size()), MPI_CHAR, 0,
                                           detail::tag_failed, comm),
                                  "MPI_Send(failed)");
            }
        }
        detail::check_mpi(MPI_Send(nullptr, 0, MPI_BYTE, 0, detail::tag_done, comm), "MPI_Send(done)");
        if (failure) std::rethrow_exception(failure);
        return;
    }

    // Rank 0: hand out indices to local threads and remote ranks alike, and be the single writer.
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stopping{false};
    auto take = [&]() -> std::optional<Index> {
        if (stopping.load()) return std::nullopt;
        const std::size_t k = next.fetch_add(1);
        if (k >= indices.size()) return std::nullopt;
        return indices[k];
    };
    std::exception_ptr failure;
    auto fail = [&](std::exception_ptr error) {
        if (!failure) failure = std::move(error);
        stopping.store(true);
    };
    auto deliver = [&](Index index, const SweepResult& result) {
        if (failure) return;  // after a failure, finished work is dropped, not written
        try {
            on_result(index, result);
        } catch (...) {
            fail(std::current_exception());
        }
    };

    tms::detail::ResultQueue queue;
    tms::detail::ComputeThreads compute(configs, threads, take, queue);
    int active_workers = size - 1;
    std::vector<char> buffer;
    while (active_workers > 0 || !queue.finished()) {
        bool progressed = false;
        for (;;) {  // drain MPI
            int flag = 0;
            MPI_Status status;
            detail::check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, &status), "MPI_Iprobe");
            if (!flag) break;
            progressed = true;
            int count = 0;
            detail::check_mpi(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
            buffer.resize(static_cast<std::size_t>(count));
            detail::check_mpi(MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm,
                                       MPI_STATUS_IGNORE),
                              "MPI_Recv");
            switch (status.MPI_TAG) {
                case detail::tag_request: {
                    const std::optional<Index> index = take();
                    const std::int64_t assigned = index ? static_cast<std::int64_t>(*index) : -1;
                    detail::check_mpi(MPI_Send(&assigned, 1, MPI_INT64_T, status.MPI_SOURCE, detail::tag_assign, comm),
                                      "MPI_Send(assign)");
                    break;
                }
                case detail::tag_result:
                    try {
                        auto [index, result] = detail::decode(buffer, configs);
                        deliver(index, result);
                    } catch (...) {
                        fail(std::current_exception());
                    }
                    break;
                case detail::tag_failed:
                    fail(std::make_exception_ptr(tms::error(tms::detail::concat(
                        "rank ", status.MPI_SOURCE, ": ", std::string(buffer.begin(), buffer.end())))));
                    break;
                case detail::tag_done: --active_workers; break;
                default:
                    fail(std::make_exception_ptr(
                        tms::error(tms::detail::concat("tms::mpi: unexpected message tag ", status.MPI_TAG))));
            }
        }
        if (failure) compute.cancel();
        while (auto item = queue.pop(std::chrono::microseconds(0))) {
            progressed = true;
            deliver(item->first, item->second);
        }
        // Nothing to do: sleep until a local result arrives or a millisecond passes, then look at MPI again.
        if (!progressed) {
            if (queue.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            else if (auto item = queue.pop(std::chrono::milliseconds(1))) deliver(item->first, item->second);
        }
    }
    try {
        compute.rethrow_if_failed();
    } catch (...) {
        fail(std::current_exception());
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace mpi
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
