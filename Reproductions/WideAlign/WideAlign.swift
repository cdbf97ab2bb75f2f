import Experiments

/// Wide-network alignment (Boopathy & Fiete, ICML 2022). Spec: Reproductions/WideAlign/README.md. Not yet implemented.
/// Table names are the suite's (WideAlign README); their mapping to the paper's numbering is unverified.
public let align = Paper(
  id: "align", aliases: ["wide-align", "widealign"],
  title: "Align-prop/-ada/-zero and alignment scores (Boopathy & Fiete, ICML 2022)", spec: "Reproductions/WideAlign/README.md",
  artefacts: [
    Artefact(.table, "width", aliases: ["1"], title: "accuracy vs width: BP, Align-ada, Align-zero, FA, DFA, last layer"),
    Artefact(.table, "lr", aliases: ["2"], title: "accuracy vs learning rate at widths 8 and 256"),
    Artefact(.table, "sp-adam", aliases: ["3"], title: "standard parameterisation + Adam"),
    Artefact(.table, "small-data", aliases: ["4"], title: "accuracy vs training-set size"),
    Artefact(.table, "align-prop", aliases: ["5"], title: "Align-prop vs width"),
    Artefact(.table, "seeds", aliases: ["6"], title: "mean ± std over seeds at width 256"),
    Artefact(.table, "time", aliases: ["7"], title: "training time vs width"),
    Artefact(.table, "add", aliases: ["8"], title: "Add task: best loss vs width, beside the official code's values",
             cost: [.smoke: "about 10 s (widths 8, 32; 5 epochs)",
                    .quick: "about 2 min (widths 8, 32, 128; 200 epochs; 12 runs)",
                    .full: "widths 8…1024: a few CPU-hours (n = 1024 dominates); 2048 and 4096 with --widths, hours to a day per rule"],
             run: { try AlignAdd.table($0) }),
    Artefact(.table, "imagenet", aliases: ["9"], title: "ImageNet (out of scope on this machine)"),
    Artefact(.figure, "width", title: "alignment score per layer vs width"),
    Artefact(.figure, "training", title: "alignment score during training"),
    Artefact(.figure, "accuracy", title: "accuracy vs width per rule"),
    Artefact(.figure, "lr", title: "accuracy vs learning rate"),
    Artefact(.figure, "small-data", title: "accuracy vs training-set size"),
    Artefact(.figure, "add", title: "Add task: best loss vs width",
             cost: [.smoke: "shares table add's runs", .quick: "shares table add's runs", .full: "shares table add's runs"],
             run: { try AlignAdd.figure($0) }),
  ])
