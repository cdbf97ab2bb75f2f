import Experiments

enum Help {
  static let usage = """
    reproduce — biologically plausible credit assignment, reproduced (LRA-E, bioflax, GAIT-prop, Align, DFC)

    USAGE
      reproduce list                                   papers, their tables and figures, costs, what exists
      reproduce <paper> --table N | --figure ID | --all [--scale smoke|quick|full] [--seeds K] [--out DIR]
      reproduce train [--rule bp] [--dataset mnist] [--hidden 256,256,256] [--activation tanh] [--epochs 5] ...
      reproduce bench [--threads 1] [--epochs 2] [--gait | --dfc] [--json]
      reproduce data fetch | verify                    get / check the data sets
      reproduce smoke [--out DIR]                      every implemented table and figure at smoke scale (CI)

    COMMON FLAGS
      --scale S        smoke (CI, seconds), quick (minutes), full (the paper's protocol); each target has a default
      --seeds K        number of seeds (independent seeds run as two processes on two cores)
      --out DIR        root under which Figures/ and Results/ are written (default: the package root)
      --threads N      BLAS threads per process (default 1: a second thread on a shared 2-core machine is slower)
      --json           print one JSON object on stdout
      --jobs N         worker processes for independent runs (default 2, one per core)
      --kmnist-dir D   KMNIST files (or KMNIST_DIR);  --cifar10-dir D   CIFAR-10 binary batches (or CIFAR10_DIR)

    PAPER FLAGS
      lra --figure 1 --depth 3|5|8
      gait --table 1 --dataset mnist,fmnist --network tower|full --rules bp,gait,tp   train only these rows
      gait --eval-every N --eval-train-subset M (0 = all) | --eval official           the evaluation schedule
      dfc --figure 3 --linear                                                          identity hidden layers

    OUTPUT
      Results/<paper>/<table>.md (+ .json) and Figures/<paper>/<figure>.png (+ .gp script, .csv data, .json provenance).
      A scale other than the artefact's default (quick, see `reproduce list`) is in the name: table1-full.md,
      fig3-smoke.png; smoke files and smoke run caches (Results/<paper>/runs/smoke/) are git-ignored.
      Finished runs are cached in Results/<paper>/runs/: tables and figures that share runs never retrain them.

    Run `reproduce help train` for the training workbench's flags.
    Long runs print a line per epoch with its ETA and checkpoint to Checkpoints/. Ctrl-C (or SIGTERM, or SIGUSR1
    as a Slurm job gets before its time limit) writes the checkpoint and exits with status 130; running the same
    command again resumes from it.
    """

  static let train = """
    reproduce train — any implemented rule on any data set; prints test accuracy, writes Results/train/<name>.json

      --rule R            \(RuleSpec.names.keys.sorted().joined(separator: ", ")) (default bp); gait, tp: see below
      --dataset D         mnist, fashion-mnist (fmnist), kmnist, cifar10, teacher, sinreg (default mnist)
      --hidden W,W,...    hidden widths (default 256,256,256)
      --activation A      tanh, relu, leaky-relu, sigmoid, linear (default tanh); --leaky-slope S (default 0.01)
      --epochs N          (default 5)            --batch-size N (default 128)
      --optimizer O       adam, adam-no-bias-correction, sgd (default adam); --lr (1e-3), --momentum, --beta1, --beta2, --eps
      --loss L            ce, mse, half-mse (default ce for images, half-mse for regression)
      --init I            xavier-uniform, xavier-normal, lecun, uniform, variance-scaling (default xavier-uniform);
                          --scale-w S (uniform: half-width; variance-scaling: variance multiplier); biases start at 0
      --init-b I          initializer of the feedback weights B of fa/kp/dfa (default: as --init); --scale-b S
      --weight-decay L    λ (default 0); --weight-decay-mode decoupled|bioflax|coupled (default decoupled;
                          bioflax reproduces its sign defect); --decay-fixed-feedback decays FA/DFA's fixed B too
      --metrics N         bioflax alignment metrics on the first N batches of each epoch (default 0: off)
      --eval-batch N      evaluate as the mean of batch means over batches of N (bioflax); default: exact means
      --beta B, --gamma G, --e-orientation tf1|consistent, --reduction sum|mean
                          LRA-E's settings (default: the official TF1 preset β 0.1, γ 1, tf1, sum); lra-e trains no biases
      --precision P       float, double (default float)
      --seed N | --seeds K    one seed (default 1) or seeds 1…K in parallel
      --validation N      rows held out of the training set for validation (default 5000 for images)
      --scaling S         unit (p/255) or standardize ((p/255 − 0.1307)/0.3081)
      --clip C            global gradient-norm clipping
      --limit N           use only the first N rows of each split (quick checks)
      --no-checkpoint     do not checkpoint; --no-progress   no progress lines; --json   JSON on stdout

    GAIT-prop's invertible networks (GAIT README): --rule gait|tp, or --rule bp with --network. Double precision only.
      --network N         full (K hidden 784-wide layers + a 784×784 output read out on units 0–9) or tower
                          (784-784-500-200-10); --layers K (default 4, full only)
      --lr, --lambda      default: the README's (bp 1e-4, 0; gait 1e-4, 0.1; tp 1e-5, 1000)
      --gamma G           GAIT's step (default 1e-3); --target-form absolute|deviation (default absolute, the published
                          numerics; deviation is the cancellation-free fix, §2.10)
      --epochs N | --batches N    1000 batches of 60 per epoch (default 100 epochs)
      --eval-every N      evaluate every N batches (default 100) on the test set and the first --eval-train-subset M
                          training images (default 10000; 0 = all); --eval official = every 10 batches on all 70 000 (Q6)
      --angles N          log each layer's angle to the BP gradient every N batches
      --init orthogonal|gaussian|june2020   (default orthogonal, Q3); --distinct-output-init (fix of Q2)
      --ortho-reg off-diagonal|full (default off-diagonal, Q8); --adam-bias-correction; --beta2 (default 0.99, Q9)
      --shuffle           reshuffle every epoch (the code does not, Q5); --linear   identity activations
    """

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
