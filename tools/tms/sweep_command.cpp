// `tms sweep`: run a grid of configurations on this machine's cores or across MPI ranks, appending one JSON line
// per finished model to a results file that a re-run resumes from; `--aggregate` summarises such a file.
//
//     tms sweep --grid grid.json --out results.jsonl [--threads T]
//     mpirun -np 8 tms sweep --grid grid.json --out results.jsonl      (MPI used automatically)
//     tms sweep --aggregate results.jsonl
//
// See docs/distributed.md for the grid schema, the results format and resume semantics.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tms/io/file.hpp>
#include <tms/sweep/run_sweep.hpp>

#ifdef TMS_WITH_MPI
#include <mpi.h>

#include <tms/mpi/sweep.hpp>
#endif

#include "arguments.hpp"
#include "commands.hpp"
#include "sweep_json.hpp"
#include "sweep_results.hpp"

namespace tms::cli {

namespace {

struct SweepArguments {
    std::string grid;
    std::string out;
    std::string aggregate;
    unsigned threads = 0;
    bool threads_given = false;
    bool mpi = false;
    bool quiet = false;
};

/// The largest grid file read (16 MiB; a grid is a few lines of JSON).
inline constexpr std::uint64_t grid_read_limit = std::uint64_t{1} << 24;

[[nodiscard]] std::string read_grid_text(const std::string& path) {
    try {
        return tms::read_file(path, grid_read_limit);
    } catch (const std::system_error& e) {
        throw std::runtime_error("--grid: " + std::string(e.what()));
    }
}

/// The environment variable (with its value) by which an MPI launcher (mpirun, mpiexec, srun) announces itself.
[[nodiscard]] std::optional<std::string> mpi_launcher_variable() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK", "MV2_COMM_WORLD_SIZE"})
        if (const char* value = std::getenv(name)) return std::string(name) + "=" + value;
    return std::nullopt;
}

/// The indices of the configs whose id is not in \p done, in grid order.
[[nodiscard]] std::vector<Index> pending_configs(const std::vector<ModelConfig>& configs,
                                                 const std::set<std::string>& done) {
    std::vector<Index> pending;
    for (std::size_t i = 0; i < configs.size(); ++i)
        if (!done.contains(configs[i].id())) pending.push_back(static_cast<Index>(i));
    return pending;
}

/// Prints what a run will do and returns the pending indices.
std::vector<Index> announce(const SweepArguments& args, const std::vector<ModelConfig>& configs,
                            const sweep::ResultsFile& file, unsigned ranks, unsigned threads) {
    std::vector<Index> pending = pending_configs(configs, file.existing().ids);
    std::cout << "tms sweep: " << configs.size() << " configs, " << configs.size() - pending.size() << " already in "
              << args.out;
    if (file.existing().torn_bytes > 0)
        std::cout << " (dropped a torn last line of " << file.existing().torn_bytes << " bytes)";
    std::cout << "; running " << pending.size() << " on ";
    if (ranks > 1) std::cout << ranks << " ranks x ";
    std::cout << (threads == 0 ? std::string("all cores") : std::to_string(threads) + (threads == 1 ? " thread" : " threads"))
              << std::endl;
    return pending;
}

/// The single writer: appends and syncs one line, then reports progress.
class Writer {
public:
    Writer(sweep::ResultsFile& file, std::size_t total, bool quiet) : file_(file), total_(total), quiet_(quiet) {}

    void operator()(Index, const SweepResult& result) {
        file_.append(sweep::result_line(result));
        ++written_;
        if (quiet_) return;
        const ModelConfig& c = result.config;
        std::printf("[%zu/%zu] %s %s n=%lld m=%lld seed=%llu loss %.6g represented %lld (%.2f s)\n", written_, total_,
                    c.id().c_str(), c.model.c_str(), static_cast<long long>(c.features),
                    static_cast<long long>(c.hidden), static_cast<unsigned long long>(c.seed), result.final_loss,
                    static_cast<long long>(result.represented), result.seconds);
        std::fflush(stdout);
    }

    [[nodiscard]] std::size_t written() const noexcept { return written_; }

private:
    sweep::ResultsFile& file_;
    std::size_t total_;
    bool quiet_;
    std::size_t written_ = 0;
};

void run_local(const SweepArguments& args) {
    if (const auto launcher = mpi_launcher_variable())
        throw std::runtime_error("started by an MPI launcher (" + *launcher +
                                 ") but this tms was built without MPI; every rank would run the whole sweep");
    const std::vector<ModelConfig> configs = sweep::parse_grid(read_grid_text(args.grid), args.grid).expand();
    sweep::ResultsFile file(args.out, std::chrono::seconds(60), args.grid);
    const std::vector<Index> pending = announce(args, configs, file, 1, args.threads);
    const auto start = std::chrono::steady_clock::now();
    Writer writer(file, pending.size(), args.quiet);
    run_sweep(configs, std::span<const Index>(pending), args.threads, std::ref(writer));
    std::cout << "tms sweep: wrote " << writer.written() << " results to " << args.out << " in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s" << std::endl;
}

#ifdef TMS_WITH_MPI
/// Initialises MPI (funnelled: only the main thread calls it) and finalises it on every path out.
class MpiSession {
public:
    MpiSession() {
        int initialized = 0;
        MPI_Initialized(&initialized);
        if (!initialized) {
            int provided = 0;
            MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
            owned_ = true;
            if (provided < MPI_THREAD_FUNNELED) funneled_ = false;
        }
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    ~MpiSession() {
        if (owned_) MPI_Finalize();
    }
    [[nodiscard]] int rank() const noexcept { return rank_; }
    [[nodiscard]] int size() const noexcept { return size_; }
    [[nodiscard]] bool funneled() const noexcept { return funneled_; }

private:
    bool owned_ = false;
    bool funneled_ = true;
    int rank_ = 0;
    int size_ = 1;
};

/// Rank 0's verdict, broadcast: every rank learns whether to go on (an empty message) or stop.
[[nodiscard]] std::string broadcast_error(const std::string& error, int rank) {
    long long length = rank == 0 ? static_cast<long long>(error.size()) : 0;
    MPI_Bcast(&length, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    std::string result = rank == 0 ? error : std::string(static_cast<std::size_t>(length), '\0');
    if (length > 0) MPI_Bcast(result.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);
    return result;
}

void run_mpi(const SweepArguments& args) {
    std::string error;
    int rank = 0;
    {
        MpiSession mpi;
        rank = mpi.rank();
        try {
            // Rank 0 reads the grid and sends its text, so other nodes need not see the file.
            std::string text, read_error;
            if (rank == 0) {
                try {
                    text = read_grid_text(args.grid);
                } catch (const std::exception& e) {
                    read_error = e.what();
                }
            }
            if (const std::string stop = broadcast_error(read_error, rank); !stop.empty())
                throw std::runtime_error(stop);
            long long length = static_cast<long long>(text.size());
            MPI_Bcast(&length, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
            text.resize(static_cast<std::size_t>(length));
            if (length > 0) MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);

            // Every rank expands the same text into the same list; rank 0 alone owns the results file.
            std::vector<ModelConfig> configs;
            std::optional<sweep::ResultsFile> file;
            std::vector<Index> pending;
            std::string setup_error;
            try {
                if (!mpi.funneled()) throw std::runtime_error("the MPI library does not provide MPI_THREAD_FUNNELED");
                configs = sweep::parse_grid(text, args.grid).expand();
                if (rank == 0) {
                    file.emplace(args.out, std::chrono::seconds(60), args.grid);
                    pending = announce(args, configs, *file, static_cast<unsigned>(mpi.size()),
                                       args.threads_given ? args.threads : 1);
                }
            } catch (const std::exception& e) {
                setup_error = e.what();
            }
            if (const std::string stop = broadcast_error(setup_error, rank); !stop.empty())
                throw std::runtime_error(stop);

            const auto start = std::chrono::steady_clock::now();
            std::optional<Writer> writer;
            if (rank == 0) writer.emplace(*file, pending.size(), args.quiet);
            mpi::run_sweep(MPI_COMM_WORLD, configs, std::span<const Index>(pending),
                           args.threads_given ? args.threads : 1u,
                           [&](Index index, const SweepResult& result) { (*writer)(index, result); });
            if (rank == 0)
                std::cout << "tms sweep: wrote " << writer->written() << " results to " << args.out << " in "
                          << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s"
                          << std::endl;
        } catch (const std::exception& e) {
            error = e.what();
            // One line, from rank 0 only, printed before MPI_Finalize synchronises the ranks: once any rank
            // exits non-zero the launcher may kill the others, so nothing may be left to do after it.
            if (rank == 0) std::cerr << "tms: error: " << error << std::endl;
        }
    }  // MPI_Finalize on every rank
    if (!error.empty()) std::exit(1);  // every rank exits non-zero
}
#endif

}  // namespace

void add_sweep_command(CLI::App& app) {
    auto args = std::make_shared<SweepArguments>();
    auto* command = app.add_subcommand(
        "sweep", "Run a grid of configurations locally or under MPI (resumable), or aggregate a results file");
    auto* grid = command->add_option("--grid", args->grid, "Grid description (JSON; see docs/distributed.md)");
    auto* out = command->add_option("--out", args->out, "Results file: one JSON line per trained model, appended");
    auto* threads = command->add_option("--threads", args->threads,
                                        "Compute threads (per rank under MPI); default all cores, or 1 per rank");
    auto* mpi_flag = command->add_flag("--mpi", args->mpi,
                                       "Use MPI even if no launcher variable is seen (automatic under mpirun/srun)");
    command->add_flag("--quiet", args->quiet, "Print only the summary, not a line per finished model");
    auto* aggregate = command->add_option("--aggregate", args->aggregate,
                                          "Summarise a results file per grid point: mean/min loss over seeds, "
                                          "best-of-K id, fraction of seeds per solution class");
    aggregate->excludes(grid)->excludes(out)->excludes(threads)->excludes(mpi_flag);
    command->callback([args, threads] {
        if (!args->aggregate.empty()) {
            sweep::aggregate(sweep::read_results(args->aggregate), std::cout);
            std::cout.flush();
            if (!std::cout) throw std::runtime_error("--aggregate: could not write the summary to standard output");
            return;
        }
        if (args->grid.empty() || args->out.empty())
            throw std::invalid_argument("tms sweep needs --grid FILE and --out FILE (or --aggregate FILE)");
        args->threads_given = threads->count() > 0;
        require_thread_count(args->threads, "--threads");
#ifdef TMS_WITH_MPI
        if (args->mpi || mpi_launcher_variable()) {
            run_mpi(*args);
            return;
        }
#else
        if (args->mpi) throw std::invalid_argument("--mpi: this tms was built without MPI");
#endif
        run_local(*args);
    });
}

}  // namespace tms::cli
