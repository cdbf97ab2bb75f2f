import Experiments
import Learning

/// GAIT-prop (Ahmad, van Gerven & Ambrogioni, NeurIPS 2020). Spec: Reproductions/GAIT/README.md. The paper's tables and
/// figures could not be obtained: Table 1 and the figures are suite-defined (§1.3), their paper column empty.
/// Table 1, `curves` and `tower` share their runs (cached in Results/gait/runs/).
public let gait = Paper(
  id: "gait", aliases: ["gait-prop"], title: "GAIT-prop with BP and target propagation (Ahmad et al., NeurIPS 2020)",
  spec: "Reproductions/GAIT/README.md",
  artefacts: [
    Artefact(.table, "1", title: "final and peak train/test accuracy: BP, GAIT-prop, TP; full width and tower (suite-defined; paper values unknown)",
             cost: [.smoke: "about 30 s (MNIST tower, 50 batches; one full-width GAIT batch)",
                    .quick: "about 10 min (MNIST + FMNIST; tower 1 epoch, full width 300 batches)",
                    .full: "about 35 CPU-hours per seed (18 h on 2 cores; 100 epochs, 2 data sets, 12 runs; background, resumable; --dataset/--network/--rules for a few rows at a time)"],
             run: { try GAITTable1.run($0) }),
    Artefact(.table, "official", title: "GAIT-prop's own code on CPU beside the suite's seeds (accuracy after 0, 11, 21, 51, 101 batches)",
             cost: [.smoke: "about 10 s (tower GAIT, 11 batches)", .quick: "about 20 min (4 runs replayed, 5 evaluations on 70 000 images each; --rng suite: 20 runs, about 1.5 h)", .full: "as quick"],
             run: { try GAITOfficial.table($0) }),
    Artefact(.figure, "curves", title: "accuracy during training, full-width network (suite-defined; paper figure number unverified)",
             cost: [.smoke: "shares the Table 1 runs", .quick: "shares the Table 1 runs", .full: "shares the Table 1 runs"],
             run: { try GAITCurves.run($0, network: .fullWidth(hiddenLayers: 4)) }),
    Artefact(.figure, "tower", title: "accuracy during training, tower network (suite-defined)",
             cost: [.smoke: "shares the Table 1 runs", .quick: "shares the Table 1 runs", .full: "shares the Table 1 runs"],
             run: { try GAITCurves.run($0, network: .tower) }),
    Artefact(.figure, "angles", title: "BP–GAIT update angles: γ sweep (float64 cancellation), distance from orthogonality, training",
             cost: [.smoke: "about 10 s", .quick: "about 5 min (+ the FMNIST Table 1 runs)", .full: "the Table 1 runs' logged angles"],
             run: { try GAITAngles.run($0) }),
    Artefact(.figure, "ortho", title: "GAIT-prop against the orthogonality weight λ: accuracy, angle to BP, distance from orthogonality (suite-defined)",
             cost: [.smoke: "about 10 s (MNIST tower, λ ∈ {0, 0.1}, 10 batches)",
                    .quick: "about 5 min (Fashion-MNIST tower, 6 λ and BP, 300 batches each)",
                    .full: "days on 2 cores (full width, 6 λ and BP, 100 epochs each; λ = 0.1 and BP are Table 1's runs); resumable, --slurm DIR"],
             run: { try GAITOrtho.run($0) }),
  ])
