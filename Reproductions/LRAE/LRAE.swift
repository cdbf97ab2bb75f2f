import Experiments

/// LRA-E (Ororbia & Mali, AAAI 2019). Spec: shared/papers/lra.md. Not yet implemented (issue 5).
public let lra = Paper(
  id: "lra", aliases: ["lra-e", "lrae"], title: "LRA-E: local representation alignment (Ororbia & Mali, AAAI 2019)",
  spec: "shared/papers/lra.md",
  artefacts: [
    Artefact(.table, "1", title: "test error, MNIST and Fashion-MNIST, 3/5/8 × 256 tanh: LRA-E, BP, FA, DFA",
             cost: [.full: "2–4 h on 2 cores (spec estimate)"]),
    Artefact(.figure, "1", title: "learning curves and per-layer angle of LRA-E's update with the BP gradient"),
  ])
