import Experiments

/// Deep Feedback Control (Meulemans et al., NeurIPS 2021). Spec: Reproductions/DFC/README.md. The appendix figures are
/// reconstructed from the official scripts and configs (the appendix itself was not available); Table 1's
/// reference is the NeurIPS submission text.
public let dfc = Paper(
  id: "dfc", title: "Deep Feedback Control: DFC, DFC-SS, DFC-SSA (Meulemans et al., NeurIPS 2021)",
  spec: "Reproductions/DFC/README.md",
  artefacts: [
    Artefact(.table, "1", title: "8 rows × 4 columns: MNIST and F-MNIST test error, autoencoder test loss, MNIST train loss, against the paper's mean ± std",
             cost: [.smoke: "about 1 min", .quick: "about 11 min of one core for MNIST (measured); --columns all about 35 min",
                    .full: "hours for BP, DFA and DFC-SSA; days per seed for the simulated rows (projected in the table; cluster path)"],
             run: { try DFCTable1Artefact.run($0) }),
    Artefact(.table, "official", title: "the official code's Fig. 3 runs on CPU (first epochs) beside the suite's seeds 1–5, on the official teacher (replayed)",
             cost: [.smoke: "seconds (DFA, seed 1)", .quick: "about 10–20 min (7 runs × 5 seeds, 5 or 10 epochs, trained feedback pre-trained 50 epochs)", .full: "as quick"],
             run: { try DFCOfficial.table($0) }),
    Artefact(.figure, "1d", title: "one controlled relaxation: output and control of three samples (15-10-10-1, pre-trained feedback)",
             cost: [.smoke: "seconds (2 pre-training epochs)", .quick: "about 1 min (50 pre-training epochs)", .full: "as quick"],
             run: { try DFCFigure1D.run($0) }),
    Artefact(.figure, "2", title: "PCA cloud of feedback matrices satisfying Conditions 2 and 3, with Jᵀ, J† and damped pseudo-inverses",
             cost: [.smoke: "seconds (200 Q)", .quick: "seconds (2000 Q)", .full: "as quick"],
             run: { try DFCFigure2.run($0) }),
    Artefact(.figure, "3", title: "the headline: alignment with MN, GN and DFC-SSA; Conditions 1, 2; stability (7 runs, six panels; --linear)",
             cost: [.smoke: "about 30 s (640 samples, 3 epochs)", .quick: "about 10 min (100 epochs, 7 runs, 2 in parallel)",
                    .full: "about 30 min (300 epochs, the paper's protocol; resumable)"],
             run: { try DFCFigure3.run($0) }),
    Artefact(.figure, "s1", title: "supplementary S1: stability matrices and layer norms of the Fig. 3 DFC runs (reconstructed)",
             cost: [.smoke: "shares the Fig. 3 runs", .quick: "shares the Fig. 3 runs", .full: "shares the Fig. 3 runs"],
             run: { try DFCFigureS1.run($0) }),
    Artefact(.figure, "c2c3", title: "feedback-learning sweeps of App. C.2/C.3, Figs. S2–S4 (reconstructed; 24 feedback-only runs)",
             cost: [.smoke: "about 30 s (1 epoch per run)", .quick: "about 5–10 min (25 epochs per run)", .full: "as quick"],
             run: { try DFCFigureC2C3.run($0) }),
    Artefact(.figure, "e5", title: "alignment of DFC, its variants and DFA per layer with BP, MN and DFC-SSA, App. E.5, Figs. S5–S12 (--pipeline mnist|fmnist, full also mnist_fixed|fmnist_fixed; smoke and quick from the Table 1 runs)",
             cost: [.smoke: "shares the Table 1 smoke runs", .quick: "shares the Table 1 quick runs", .full: "the E.5 pipeline's own runs: DFA (about 20 min; a fixed pipeline reuses its trained twin's) and DFC-SSA (trained about 2.6 CPU-h, fixed about 25 min; measured) train here; DFC and DFC-SS print their projected cost (cluster: --rows all --slurm DIR)"],
             run: { try DFCFigureE5.run($0) }),
  ])
