import Experiments

/// Deep Feedback Control (Meulemans et al., NeurIPS 2021). Spec: shared/papers/dfc.md. The appendix figures are
/// reconstructed from the official scripts and configs (the appendix itself was not available); Table 1's
/// reference is the NeurIPS submission text.
public let dfc = Paper(
  id: "dfc", title: "Deep Feedback Control: DFC, DFC-SS, DFC-SSA (Meulemans et al., NeurIPS 2021)",
  spec: "shared/papers/dfc.md",
  artefacts: [
    Artefact(.table, "1", title: "test error on MNIST, Fashion-MNIST and the autoencoder (not yet implemented: a later issue)"),
    Artefact(.figure, "1d", title: "toy example: DFC training dynamics"),
    Artefact(.figure, "2", title: "PCA cloud of feedback updates with Jᵀ, J† and damped pseudo-inverse markers"),
    Artefact(.figure, "3", title: "the headline: alignment with MN, GN and DFC-SSA; Conditions 1, 2; stability (7 runs, six panels; --linear)",
             cost: [.smoke: "about 30 s (640 samples, 3 epochs)", .quick: "about 10 min (100 epochs, 7 runs, 2 in parallel)",
                    .full: "about 30 min (300 epochs, the paper's protocol; resumable)"],
             run: { try DFCFigure3.run($0) }),
    Artefact(.figure, "s1", title: "supplementary S1: stability matrices and layer norms of the Fig. 3 DFC runs (reconstructed)"),
    Artefact(.figure, "c2c3", title: "feedback-learning sweeps of App. C.2/C.3, Figs. S2–S4 (reconstructed)"),
    Artefact(.figure, "e5", title: "alignment figures of App. E.5, Figs. S5–S12 (not yet implemented: a later issue)"),
  ])
