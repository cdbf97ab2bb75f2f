import Experiments

/// bioflax (yschimpf/bioflax): feedback alignment, Kolen-Pollack and direct feedback alignment with their
/// alignment metrics, and the biotorch anchor. Spec: Reproductions/Bioflax/README.md. Tables 1–3 and Figures 1–10
/// share their runs (cached in Results/bioflax/runs/); Table 4 trains LeNet
/// (Learning/LeNet) with biotorch's rules.
public let bioflax = Paper(
  id: "bioflax", title: "bioflax: FA, KP and DFA with alignment metrics (and the biotorch anchor)",
  spec: "Reproductions/Bioflax/README.md",
  artefacts: [
    Artefact(.table, "1", title: "MNIST 784-500-500-10 ReLU: BP, FA, KP, DFA",
             cost: [.smoke: "about 20 s", .quick: "about 1 min (seed 0)", .full: "about 5 min (seeds 0–4)"],
             run: { try BioflaxTables.table(.mnist, number: 1, $0) }),
    Artefact(.table, "2", title: "teacher-student regression: BP, FA, KP, DFA",
             cost: [.smoke: "seconds", .quick: "about 20 s (seeds 0–4)", .full: "as quick"],
             run: { try BioflaxTables.table(.teacher, number: 2, $0) }),
    Artefact(.table, "3", title: "sin regression: BP, FA, KP, DFA (+ FA, DFA at lr 0.005)",
             cost: [.smoke: "seconds", .quick: "about 30 s (seeds 0–4)", .full: "as quick"],
             run: { try BioflaxTables.table(.sinreg, number: 3, $0) }),
    Artefact(.table, "4", title: "biotorch LeNet anchor: BP, FA, uSF, brSF, frSF, DFA on MNIST and Fashion-MNIST",
             cost: [.smoke: "about 30 s", .quick: "about 20 min (12 runs × 5 epochs)", .full: "about 6 h on 2 cores (12 runs × 100 epochs)"],
             run: { try LeNetTable.table($0) }),
    Artefact(.table, "official", title: "bioflax's own code on CPU beside the suite's seeds (short protocols; the teacher and sin data from bioflax's JAX keys)",
             cost: [.smoke: "seconds (teacher, seed 0)", .quick: "about 1 min for the teacher and sin runs; MNIST shares the Table 1–3 runs (about 5 min if not cached)", .full: "as quick"],
             run: { try BioflaxOfficial.table($0) }),
  ] + (1...10).map { n in
    Artefact(.figure, "\(n)", title: bioflaxFigureTitles[n - 1],
             cost: [.smoke: "shares the table runs", .quick: "shares the table runs", .full: "shares the table runs"],
             run: { try BioflaxFigures.figure(n, $0) })
  })

let bioflaxFigureTitles = [
  "MNIST: W–B alignment per layer vs epoch", "MNIST: per-layer gradient alignment vs epoch",
  "MNIST: total gradient alignment, relative norm, accuracy and loss vs epoch",
  "teacher: W–B alignment", "teacher: per-layer gradient alignment", "teacher: total alignment, norm and loss",
  "sinreg: W–B alignment", "sinreg: per-layer gradient alignment", "sinreg: total alignment, norm and loss",
  "sinreg: test fit per rule",
]
