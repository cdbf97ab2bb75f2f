import Experiments

/// Deep Feedback Control (Meulemans et al., NeurIPS 2021). Spec: shared/papers/dfc.md. Not yet implemented (issue 7).
public let dfc = Paper(
  id: "dfc", title: "Deep Feedback Control: DFC, DFC-SS, DFC-SSA (Meulemans et al., NeurIPS 2021)",
  spec: "shared/papers/dfc.md",
  artefacts: [
    Artefact(.table, "1", title: "test error on MNIST, Fashion-MNIST and the autoencoder"),
    Artefact(.figure, "1d", title: "toy example: DFC training dynamics"),
    Artefact(.figure, "2", title: "PCA cloud of feedback updates with Jᵀ, J† and damped pseudo-inverse markers"),
    Artefact(.figure, "3", title: "alignment with MN, GN, DFC-SSA and BP updates; stability (six panels)"),
    Artefact(.figure, "s1", title: "supplementary S1"),
    Artefact(.figure, "c2c3", title: "feedback-learning sweeps of App. C.2/C.3"),
    Artefact(.figure, "e5", title: "alignment figures of App. E.5"),
  ])
