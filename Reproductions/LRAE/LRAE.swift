import Experiments

/// LRA-E (Ororbia & Mali, AAAI 2019). Spec: Reproductions/LRAE/README.md. Table 1 and Figure 1 share their runs
/// (cached in Results/lra/runs/).
public let lra = Paper(
  id: "lra", aliases: ["lra-e", "lrae"], title: "LRA-E: local representation alignment (Ororbia & Mali, AAAI 2019)",
  spec: "Reproductions/LRAE/README.md",
  artefacts: [
    Artefact(.table, "1", title: "test error, MNIST and Fashion-MNIST, 3/5/8 × 256 tanh: LRA-E, BP, FA, DFA",
             cost: [.smoke: "about 1 min (24 runs, 2 epochs on 5 000 images)", .quick: "about 15 min (10 epochs)",
                    .full: "about 1.5–3 h (100 epochs, 24 runs; background, resumable)"],
             run: { try LRATable1.run($0) }),
    Artefact(.table, "official", title: "the authors' PyTorch scripts on CPU beside the suite's torch preset (test error after epochs 1–3)",
             cost: [.smoke: "about 20 s (MNIST, 1 epoch on 5 000 images)", .quick: "about 5 min (2 data sets × 5 seeds × 3 epochs)", .full: "as quick"],
             run: { try LRAOfficial.table($0) }),
    Artefact(.figure, "1", title: "learning curves and per-layer angle of each rule's update with the BP gradient (depth 8; --depth 3|5|8)",
             cost: [.smoke: "shares the table runs", .quick: "shares the table runs", .full: "shares the table runs"],
             run: { try LRAFigure1.run($0) }),
  ])
