import Experiments

/// bioflax (yschimpf/bioflax): feedback alignment, Kolen-Pollack and direct feedback alignment with their
/// alignment metrics, and the biotorch anchor. Spec: shared/papers/bioflax.md. Not yet implemented (issue 4).
public let bioflax = Paper(
  id: "bioflax", title: "bioflax: FA, KP and DFA with alignment metrics (and the biotorch anchor)",
  spec: "shared/papers/bioflax.md",
  artefacts: [
    Artefact(.table, "1", title: "MNIST 784-500-500-10 ReLU: BP, FA, KP, DFA", cost: [.full: "minutes per rule"]),
    Artefact(.table, "2", title: "teacher-student regression: BP, FA, KP, DFA"),
    Artefact(.table, "3", title: "sin regression: BP, FA, KP, DFA"),
    Artefact(.table, "4", title: "biotorch LeNet anchor (needs convolutional layers)"),
  ] + (1...10).map { Artefact(.figure, "\($0)", title: bioflaxFigureTitles[$0 - 1]) })

let bioflaxFigureTitles = [
  "MNIST: W–B alignment per layer vs epoch", "MNIST: per-layer gradient alignment vs epoch",
  "MNIST: total gradient alignment, relative norm, accuracy vs epoch",
  "teacher: W–B alignment", "teacher: per-layer gradient alignment", "teacher: total alignment and loss",
  "sinreg: W–B alignment", "sinreg: per-layer gradient alignment", "sinreg: total alignment and loss",
  "sinreg: test fit per rule",
]
