import Experiments

/// GAIT-prop (Ahmad, van Gerven & Ambrogioni, NeurIPS 2020). Spec: shared/papers/gait.md. Not yet implemented (issue 6).
public let gait = Paper(
  id: "gait", aliases: ["gait-prop"], title: "GAIT-prop with BP and target propagation (Ahmad et al., NeurIPS 2020)",
  spec: "shared/papers/gait.md",
  artefacts: [
    Artefact(.table, "1", title: "final and peak train/test accuracy: BP, GAIT-prop, TP; full width and tower"),
    Artefact(.figure, "curves", title: "accuracy during training, full-width network"),
    Artefact(.figure, "tower", title: "accuracy during training, tower network"),
    Artefact(.figure, "angles", title: "BP–GAIT update angles: γ sweep, orthogonality, training"),
    Artefact(.figure, "ortho", title: "optional: regulariser strength sweep"),
  ])
