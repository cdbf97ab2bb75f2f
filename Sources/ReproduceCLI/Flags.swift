import Datasets
import Experiments
import Learning

/// A command-line flag, declared once: the parser accepts it, `Options` returns its default when it is absent,
/// and the help lists it from this declaration. `value` is the placeholder of its value (nil: a switch);
/// `defaultValue` is nil where the default depends on other flags (the help then says how).
struct Flag: Sendable {
  let name: String
  let value: String?
  let defaultValue: String?
  let help: String
  init(_ name: String, _ value: String? = nil, default defaultValue: String? = nil, _ help: String) {
    self.name = name; self.value = value; self.defaultValue = defaultValue; self.help = help
  }

  /// A flag without a value.
  static func toggle(_ name: String, _ help: String) -> Flag { Flag(name, nil, help) }

  /// `--name VALUE  help (default D)`, aligned.
  var line: String {
    let head = "--\(name)" + (value.map { " \($0)" } ?? "")
    let padded = head.count < 24 ? head + String(repeating: " ", count: 24 - head.count) : head + "  "
    return "  " + padded + help + (defaultValue.map { " (default \($0))" } ?? "")
  }
}

/// Every command's flags.
enum Flags {
  static let common: [Flag] = [
    Flag("out", "DIR", "root under which Figures/ and Results/ are written (default: the repository)"),
    Flag("threads", "N", default: "1", "BLAS threads per process (a second thread on a shared 2-core machine is slower)"),
    Flag("jobs", "N", default: "2", "worker processes for independent runs, one BLAS thread each"),
    Flag("kmnist-dir", "DIR", "KMNIST's files (or KMNIST_DIR)"),
    Flag("cifar10-dir", "DIR", "CIFAR-10's binary batches (or CIFAR10_DIR)"),
  ]

  static let paper: [Flag] = common + [
    Flag("table", "N", "the table to reproduce (see `reproduce list`)"),
    Flag("figure", "ID", "the figure to reproduce"),
    Flag.toggle("all", "every implemented table and figure of the paper"),
    Flag("scale", "S", "smoke (CI, seconds), quick (minutes) or full (the paper's protocol); each artefact has a default"),
    Flag("seeds", "K", "number of seeds (each artefact has a default)"),
    Flag.toggle("json", "print one JSON object on stdout"),
    Flag("slurm", "DIR", "do not train: write the runs not yet cached as a Slurm job array into DIR"),
    Flag("partition", "P", "with --slurm: the Slurm partition"),
    Flag("time", "HH:MM:SS", default: "24:00:00", "with --slurm: each task's time limit"),
    Flag("mem", "M", default: "4G", "with --slurm: each task's memory"),
    // Paper options (parsed into `PaperOptions`).
    Flag("depth", "3|5|8", default: "8", "lra --figure 1: the depth drawn"),
    Flag("dataset", "D,D", "gait --table 1: train only these data sets (mnist, fmnist, kmnist); bioflax --table 4: mnist, fmnist; align: mnist as the 28×28 substitute instead of Fashion-MNIST; league: mnist, fmnist"),
    Flag("network", "tower|full", "gait --table 1: train only this network"),
    Flag("rules", "R,R", "gait --table 1: train only these rules (bp, gait, tp); bioflax --table 4: bp, fa, usf, brsf, frsf, dfa; align: bp, fa, dfa, align-prop, align-ada, align-zero, last-layer (add: bp, align-ada, align-zero, readout); league: bp, fa, kp, dfa, lra-e, align-prop, align-ada, align-zero, dfc-ssa-fixed, dfc-ssa, dfc-ss, dfc, tower-bp, gait, tp, or none (what trains now; every other rule comes from the run cache when all its rates and seeds are there)"),
    Flag("lr", "R=η,…", "bioflax --table 4: initial learning rates per rule, e.g. fa=0.01,dfa=0.001 (default: the assumed ones; biotorch never published them)"),
    Flag("holdout", "N", "bioflax --table 4: choose the best epoch on the last N training images, not on the test set (quirk T4's fix; e.g. 5000)"),
    Flag.toggle("biotorch-frsf-metric", "bioflax --table 4: log frSF's W–B angle against the stored |M|, as biotorch does (quirk T2)"),
    Flag("widths", "N,N", "align: the widths to train (default: the target's at the scale)"),
    Flag("rng", "S", "official (the official code's own stream, replayed: every target's default), or by name: align, gait --table official: numpy-legacy or suite (the suite's streams); bioflax --table official: jax (bioflax's JAX keys for the teacher and sin data) or suite"),
    Flag.toggle("add-shift-fix", "align add: no shifted term in the first 2 (5) time steps instead of the first sequences (Q10's fix)"),
    Flag.toggle("rnn-ada-readout-term", "align add: Align-ada delivers the same-step readout term to the hidden weights (Q11's fix)"),
    Flag.toggle("no-early-stop-on-nan", "align add: keep training after a non-finite epoch (Q13)"),
    Flag.toggle("no-official-test", "align: skip the suite's extra official-test-set accuracy (Q1)"),
    Flag("eval-batch", "N", "align: evaluation batches of N (default: the training batch, as the code; BN uses batch statistics, Q2)"),
    Flag.toggle("shared-init", "align: FA and DFA draw every forward weight first, then the feedback (Q14's fix)"),
    Flag.toggle("small-data-full-eval", "align --table small-data: evaluate on all 5000 validation images (Q15's fix)"),
    Flag("lastlayer-cifar", "fixed|released", default: "fixed", "align: CIFAR's last-layer rows; released: 'not run: NameError in the official code' (Q3)"),
    Flag("kmnist-align-net", "N", "align --figure width|training: 3layer (kmnist3; quick default), released (cifar7 on 28×28, first 3 kernels analysed with strides 1, 2, 2; full default) or 7layer (Q5)"),
    Flag("align-iters", "N", "align --figure width|training: probe iterations (default 10 quick, 100 full)"),
    Flag("align-batch", "N", "align --figure width|training: samples per probe (default 100)"),
    Flag("eval", "official", "gait: the official evaluation schedule (every 10 batches on all 70 000 images)"),
    Flag("eval-every", "N", "gait: evaluate every N batches"),
    Flag("eval-train-subset", "M", "gait: evaluate on the first M training images (0 = all)"),
    Flag.toggle("linear", "dfc --figure 3|s1: identity hidden layers"),
    Flag("pipeline", "P", default: "mnist", "dfc --figure e5: the pipeline drawn, mnist or fmnist (smoke, quick: from the Table 1 runs of the scale); at full scale also mnist_fixed or fmnist_fixed (the E.5 pipeline runs, seed 42)"),
    Flag("e5-config", "C", default: "pipeline", "dfc --figure e5 --scale full: pipeline (the E.5 pipeline configs, Q6) or table1 (Table 1's configs, logged the same way)"),
    Flag("rows", "R,R", "dfc --table 1 and --figure e5 --scale full: bp, dfc, dfc-ssa, dfc-ss, dfc-fixed, dfc-ssa-fixed, dfc-ss-fixed, dfa, or all (default: every row; at full scale the ones this machine affords; at full scale --rows, --columns and --seeds choose what trains, and table1-full shows every cell of seeds 1–5 already in the run cache)"),
    Flag("columns", "C,C", "dfc --table 1: mnist, fmnist, ae, train, or all: the columns trained now (default: mnist at quick, mnist and ae at smoke, all at full); the table also shows every column with a cached run of that scale"),
    Flag("sim-early-exit", "TOL", "dfc --table 1|--figure e5: a simulation stops once every sample is at the controller's steady state and max|ΔV| per step < TOL·max|V| for 10 steps (DFC-SS; DFC with --sim-extrapolate); changes results at the tolerance level"),
    Flag.toggle("sim-extrapolate", "dfc: after an early exit at t_c, DFC adds (T−1−t_c) × the last step's contribution (exact for a stationary state)"),
    Flag("precision", "P", default: "double", "dfc --table 1|--figure e5: double (the paper) or float (check the converged fractions of simulated rows)"),
    Flag("log-every", "N", "dfc --table 1 --scale full: log every N minibatches (angles to BP, MN and GN; Condition 2 of trained feedback after each feedback pass's first step; 430 = once per epoch), for diagnosis; full scale logs nothing by default, and a run under it is cached apart from the table's own"),
    Flag("ssa-solver", "S", default: "lu", "dfc --table 1: lu (the paper: J Kᵀ formed, LU) or krylov (matrix-free GMRES to 1e-10, for the autoencoder)"),
  ]

  static let train: [Flag] = common + [
    Flag("rule", "R", default: "bp", RuleSpec.names.keys.sorted().joined(separator: ", ") + "; gait, tp on invertible networks; align-ada, align-zero, align-prop, last-layer (and bp, fa, dfa) on the conv nets (below); bp, fa, usf, brsf, frsf, dfa on --network lenet"),
    Flag("dataset", "D", default: "mnist", "mnist, fashion-mnist (fmnist), kmnist, cifar10, teacher, sinreg"),
    Flag("hidden", "W,W,…", default: "256,256,256", "hidden widths"),
    Flag("activation", "A", default: "tanh", Activation.names.joined(separator: ", ")),
    Flag("leaky-slope", "S", default: "0.01", "the slope of leaky-relu"),
    Flag("epochs", "N", "epochs (default 5; 100 on invertible networks)"),
    Flag("batch-size", "N", "minibatch size (default 128; 100 on the conv nets)"),
    Flag("optimizer", "O", default: "adam", "adam, adam-no-bias-correction, sgd"),
    Flag("lr", "η", "learning rate (default 1e-3; on invertible networks the README's per rule: bp 1e-4, gait 1e-4, tp 1e-5)"),
    Flag("momentum", "μ", default: "0", "SGD momentum"),
    Flag("beta1", "β₁", default: "0.9", "Adam β₁"),
    Flag("beta2", "β₂", "Adam β₂ (default 0.999; 0.99 on invertible networks, Q9)"),
    Flag("eps", "ε", default: "1e-8", "Adam ε"),
    Flag("loss", "L", "ce, mse, half-mse (default ce for images, half-mse for regression)"),
    Flag("precision", "P", default: "float", "float, double (invertible networks: double only)"),
    Flag("seed", "N", default: "1", "the seed"),
    Flag("seeds", "K", "seeds 1…K, run in parallel (instead of --seed)"),
    Flag("validation", "N", "rows held out of the training set for validation (default 5000 for images, 0 for regression)"),
    Flag("scaling", "S", default: "unit", "unit (p/255) or standardize ((p/255 − 0.1307)/0.3081)"),
    Flag("limit", "N", "use only the first N rows of each split"),
    Flag("holdout", "N", "--network lenet: choose the best epoch on the last N training images (quirk T4's fix)"),
    Flag.toggle("biotorch-frsf-metric", "--network lenet: log frSF's angle against the stored |M| (quirk T2)"),
    Flag("init", "I", "xavier-uniform, xavier-normal, lecun, uniform, variance-scaling (default xavier-uniform); invertible networks: orthogonal, gaussian, june2020 (default orthogonal, Q3)"),
    Flag("init-b", "I", "initialiser of the feedback weights of fa, kp, dfa (default: as --init)"),
    Flag("scale-w", "S", default: "1", "uniform: half-width; variance-scaling: variance multiplier"),
    Flag("scale-b", "S", default: "1", "as --scale-w, for --init-b"),
    Flag("clip", "C", "global gradient-norm clipping"),
    Flag("name", "NAME", "the run's name and result file (default train-<rule>-<dataset>)"),
    Flag("weight-decay", "λ", default: "0", "weight decay"),
    Flag("weight-decay-mode", "M", default: "decoupled", "decoupled, bioflax (its sign defect, D1), coupled"),
    Flag.toggle("decay-fixed-feedback", "decay FA/DFA's fixed B too (D2)"),
    Flag("metrics", "N", default: "0", "bioflax's alignment metrics on the first N batches of each epoch"),
    Flag("eval-batch", "N", "evaluate as the mean of batch means over batches of N (bioflax, D14); default exact means"),
    Flag("beta", "β", default: "0.1", "LRA-E's β"),
    Flag("gamma", "γ", "LRA-E's γ (default 1) or GAIT-prop's step (default 1e-3)"),
    Flag("e-orientation", "O", default: "tf1", "LRA-E: tf1 (the code's quirk Q1) or consistent"),
    Flag("reduction", "R", default: "sum", "LRA-E: sum (the code) or mean over the batch"),
    Flag("preset", "P", "LRA-E: every value of the official code's tf1 or torch flavour at once (Reproductions/LRAE/README.md \"Presets\"); --hidden, --epochs and --limit still apply"),
    Flag.toggle("json", "print one JSON object on stdout"),
    Flag.toggle("no-progress", "no progress lines"),
    Flag.toggle("no-checkpoint", "do not checkpoint"),
    // GAIT-prop's invertible networks.
    Flag("network", "N", "full (K hidden 784-wide layers, a 784×784 output read out on units 0–9) or tower (784-784-500-200-10); kmnist3, cifar7, cifar7@28: the wide-network paper's conv nets; lenet: biotorch's LeNet (bioflax Table 4)"),
    Flag("layers", "K", default: "4", "hidden layers of the full-width network"),
    Flag("lambda", "λ", "the orthogonality regulariser (default: the README's per rule: bp 0, gait 0.1, tp 1000)"),
    Flag("target-form", "F", default: "absolute", "absolute (published) or deviation (the cancellation-free fix, Q10)"),
    Flag("ortho-reg", "R", default: "off-diagonal", "off-diagonal (the code, Q8) or full (‖WWᵀ − I‖²)"),
    Flag("batches", "N", "training batches of 60 (default: epochs × 1000)"),
    Flag("eval-every", "N", default: "100", "evaluate every N batches"),
    Flag("eval-train-subset", "M", default: "10000", "evaluate on the first M training images (0 = all)"),
    Flag("eval", "official", "the code's schedule: every 10 batches on all 70 000 images (Q6)"),
    Flag("angles", "N", "log each layer's angle to the BP gradient every N batches"),
    Flag.toggle("adam-bias-correction", "Adam with bias correction (the code has none, Q9)"),
    Flag.toggle("distinct-output-init", "the output layer's own initial seed (fix of Q2)"),
    Flag.toggle("shuffle", "reshuffle every epoch (the code does not, Q5)"),
    Flag.toggle("linear", "identity activations"),
    // The wide-network paper's conv nets (WideAlign README).
    Flag("width", "N", default: "64", "conv nets (--network kmnist3|cifar7|cifar7@28): the channels n of every hidden layer"),
    Flag("rng", "S", default: "numpy-legacy", "conv nets: numpy-legacy (= official: the official code's draws, replayed) or suite"),
    Flag("parameterisation", "P", default: "ntk", "conv nets: ntk (SGD) or standard (with --optimizer adam: TF1's Adam)"),
  ]

  static let bench: [Flag] = [
    Flag("threads", "N", default: "1", "BLAS threads"),
    Flag("epochs", "N", default: "2", "timed epochs per precision"),
    Flag.toggle("gait", "GAIT-prop's batches instead (BP, GAIT, TP on the full-width and tower networks)"),
    Flag.toggle("dfc", "DFC's simulation steps instead"),
    Flag.toggle("align", "one step of every conv rule of the wide-network paper (kmnist3 n = 16, 64, 128; cifar7 and cifar7@28 n = 32) instead"),
    Flag.toggle("lenet", "training steps of biotorch's LeNet (bioflax Table 4) for every rule against BP and the GEMM bound instead"),
    Flag.toggle("rules", "an epoch of every rule on the bench's network against BP's and its own GEMM bound instead (DFC projected from minibatches; GAIT on its tower)"),
    Flag("precision", "P", default: "float", "with --rules: float or double"),
    Flag.toggle("json", "print one JSON object on stdout"),
  ]
  static let report: [Flag] = [
    Flag("out", "DIR", "the root whose Results/ and Figures/ are reported; the page is DIR/Results/index.html (default: the repository)"),
    Flag("scale", "S", default: "quick,full", "the scales reported: smoke, or quick and/or full"),
    Flag.toggle("check", "render the page in headless Chromium: every image must load, no script error (writes index.png beside it)"),
  ]
  static let smoke: [Flag] = [Flag("out", "DIR", "where the smoke-scale files go"), Flag("threads", "N", default: "1", "BLAS threads")]
  static let data: [Flag] = [Flag("kmnist-dir", "DIR", "KMNIST's files"), Flag("cifar10-dir", "DIR", "CIFAR-10's binary batches")]
  static let cell: [Flag] = [Flag.toggle("worker", "internal: run as a worker of a parent process (it reports checkpoints)")]
}
