import Foundation

/// `reproduce <paper> --table official`: the suite's seeds beside what the paper's own code produced on the same
/// short protocol, run on a 2-core CPU (the spec's `official-runs.md`; each paper's README lists its values). The
/// official value is shown in its own place, never as the paper's number.
public enum OfficialComparison {
  public static let verdictRule = "'within seed range' iff the official code's value lies between the smallest and the largest of the suite's seeds, widened by a round-off allowance of 1e-3 × |official value| (the official codes log in float32 with other summation orders: BP's alignment, exactly 1 in the suite, is 0.9997–0.99999 there); otherwise 'outside seed range' with its distance from the suite's mean in suite standard deviations; the official codes draw from their own random streams, so only a statistical agreement is expected"

  /// One cell: the suite's per-seed values and the official code's value. `official` nil: the official run has
  /// no such value.
  public static func row(method: String, column: String, official: Double?, values: [Double], source: String, note: String? = nil) -> TableRow {
    var row = TableRow(method: method, column: column, reference: nil, values: values, tolerance: 0, note: note)
    guard let o = official else { row.verdict = values.isEmpty ? "not run" : "no official value"; return row }
    row.official = Reference(value: o, source: source)
    row.verdict = verdict(official: o, values: values)
    return row
  }

  public static func verdict(official o: Double, values: [Double]) -> String {
    guard let lo = values.min(), let hi = values.max() else { return "not run" }
    let allowance = roundOffAllowance * abs(o)
    if lo - allowance <= o && o <= hi + allowance { return "within seed range" }
    let s = Summary(values)
    return s.std > 0 ? String(format: "outside seed range (%.1f sd)", abs(o - s.mean) / s.std) : "outside seed range"
  }

  public static let roundOffAllowance = 1e-3

  /// A value derived from official numbers (a ratio, a percentage), rounded to `digits` significant digits: the
  /// precision of the logged values it comes from, without float artefacts such as 97.57000000000001.
  public static func derived(_ x: Double, digits: Int = 5) -> Double {
    guard x != 0, x.isFinite else { return x }
    let scale = pow(10, Double(digits) - (log10(abs(x))).rounded(.up))
    return (x * scale).rounded() / scale
  }

  /// The table's checks. (1) If the official value were one more draw of the suite's distribution, it would fall
  /// within the range of n seeds with probability (n − 1)/(n + 1) (2/3 for 5 seeds), so the fraction of cells within
  /// range should be at least that minus 2 binomial standard errors. (2) No cell lies more than 3 suite standard
  /// deviations from the suite's mean.
  public static func checks(_ rows: [TableRow], seeds n: Int) -> [Check] {
    let compared = rows.filter { $0.official != nil && $0.reproduced != nil && $0.reproduced!.n > 1 }
    guard !compared.isEmpty, n > 1 else { return [] }
    let within = compared.filter { $0.verdict == "within seed range" }.count
    let p = Double(n - 1) / Double(n + 1), se = (p * (1 - p) / Double(compared.count)).squareRoot()
    let fraction = Double(within) / Double(compared.count)
    let far = compared.filter { r in
      let s = r.reproduced!
      return s.std > 0 && abs(r.official!.value - s.mean) > 3 * s.std + roundOffAllowance * abs(r.official!.value)
    }
    return [
      Check(name: "the official values fall within the suite's seed range as often as one more seed would",
            holds: fraction >= p - 2 * se,
            detail: String(format: "%d of %d cells (%.0f %%); one more seed of the same distribution: %.0f %% (lower limit %.0f %%)", within, compared.count,
                           100 * fraction, 100 * p, 100 * (p - 2 * se))),
      Check(name: "no official value more than 3 suite standard deviations from the suite's mean", holds: far.isEmpty,
            detail: far.isEmpty ? "none" : far.map { r in String(format: "%@ %@: %.1f sd", r.method, r.column, abs(r.official!.value - r.reproduced!.mean) / r.reproduced!.std) }.joined(separator: "; ")),
    ]
  }
}

extension String {
  var nonEmpty: String? { isEmpty ? nil : self }
}
