import Experiments

enum Help {
  static let usage = """
    reproduce — biologically plausible credit assignment, reproduced (LRA-E, bioflax, GAIT-prop, Align, DFC)

    USAGE
      reproduce list                                   papers, their tables and figures, costs, what exists
      reproduce <paper> --table N | --figure ID | --all [--scale smoke|quick|full] [--seeds K] [--out DIR]
      reproduce train [--rule bp] [--dataset mnist] [--hidden 256,256,256] [--activation tanh] [--epochs 5] ...
      reproduce bench [--threads 1] [--epochs 2] [--rules | --gait | --dfc | --align] [--json]
      reproduce data fetch | verify                    get / check the data sets
      reproduce smoke [--out DIR]                      every implemented table and figure at smoke scale (CI)
      reproduce report [--out DIR] [--scale quick,full] [--check]   Results/index.html: every table and figure, reference beside ours
      reproduce <paper> --table N --scale full --slurm DIR [--partition P --time T --mem M]
                                                       write the runs not yet cached as a Slurm job array
      reproduce status DIR                             done / running / requeued / failed / pending, per cell
      reproduce cell FILE                              run one cell (a task of the array), resumably, into the run cache

    \(section("COMMON FLAGS (papers and train)", Flags.common))

    \(section("PAPER FLAGS (reproduce <paper> …)", Flags.paper.filter { f in !Flags.common.contains { $0.name == f.name } }))

    \(section("BENCH FLAGS", Flags.bench))
    \(section("REPORT FLAGS", Flags.report))

    OUTPUT
      Results/<paper>/<table>.md (+ .json) and Figures/<paper>/<figure>.png (+ .gp script, .csv data, .json provenance).
      A scale other than the artefact's default (quick, see `reproduce list`) is in the name: table1-full.md,
      fig3-smoke.png; smoke files and smoke run caches (Results/<paper>/runs/smoke/) are git-ignored.
      Finished runs are cached in Results/<paper>/runs/: tables and figures that share runs never retrain them.

    ENVIRONMENT
      KMNIST_DIR, CIFAR10_DIR the user-supplied data sets (as --kmnist-dir, --cifar10-dir)
      REPRODUCE_NO_AVX512     run the element-wise tanh from its AVX2 build even on an AVX-512 CPU (the same bits, slower)

    Run `reproduce help train` for the training workbench's flags.
    Long runs print a line per epoch with its ETA and checkpoint to Checkpoints/. Ctrl-C (or SIGTERM, or SIGUSR1
    as a Slurm job gets before its time limit) writes the checkpoint and exits with status 130; running the same
    command again resumes from it.
    """

  static let train = """
    reproduce train — any implemented rule on any data set; prints test accuracy, writes Results/train/<name>.json

    \(section("FLAGS", Flags.train.filter { f in !Flags.common.contains { $0.name == f.name } }))

    GAIT-prop's invertible networks run with --rule gait|tp, or --rule bp with --network; Double precision only.
    \(section("COMMON FLAGS", Flags.common))
    """

  /// A titled list of flags, one line each, from their declarations.
  static func section(_ title: String, _ flags: [Flag]) -> String {
    ([title] + flags.map(\.line)).joined(separator: "\n")
  }

  static func text(_ topic: String?) -> String {
    switch topic {
    case "train": return train
    default: return usage
    }
  }

  static func list(_ papers: [Paper]) -> String {
    var s = ""
    for p in papers {
      s += "\(p.id)\(p.aliases.isEmpty ? "" : " (\(p.aliases.joined(separator: ", ")))") — \(p.title)\n  spec: \(p.spec)\n"
      for a in p.artefacts {
        let costs = Scale.allCases.compactMap { sc in a.cost[sc].map { "\(sc.rawValue): \($0)" } }.joined(separator: "; ")
        s += "  --\(a.kind.rawValue) \(a.id)\(a.aliases.isEmpty ? "" : " (\(a.aliases.joined(separator: ", ")))")"
        s += "  \(a.isImplemented ? "[implemented, default scale \(a.defaultScale.rawValue)]" : "[not yet implemented]")  \(a.title)"
        s += costs.isEmpty ? "\n" : "\n      cost: \(costs)\n"
      }
    }
    return s
  }
}
