import Foundation
import XCTest
@testable import Experiments

/// `reproduce report`: the page from result files, rendered in headless Chromium (Debian's `chromium`; the
/// README's test command installs it). Negative controls: a malformed file and a file of an older format are
/// named in red boxes, and a figure whose PNG is missing shows up in the browser as an image that did not load.
final class ReportTests: XCTestCase {
  /// A 2×1 PNG (one red, one blue pixel).
  static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==")!

  func testReportShowsEveryResultAndTheBrowserSeesEveryImage() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("report-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let results = root.appendingPathComponent("Results/toy"), figures = root.appendingPathComponent("Figures/toy")
    try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
    let provenance = Provenance(commit: "0123456789abcdef", dirty: false, machine: "test machine", date: "2026-12-05T00:00:00Z")
    let rows = [
      TableRow(method: "BP", column: "error", reference: Reference(value: 2.0, std: 0.1, source: "Toy 2026, Table 1"), values: [2.05, 2.1], tolerance: 0),
      TableRow(method: "FA", column: "error", reference: Reference(value: 2.0, std: 0.1, source: "Toy 2026, Table 1"), values: [3.0, 3.1], tolerance: 0),
      TableRow(method: "DFA", column: "error", reference: nil, values: nil, tolerance: 0, note: "not run here: 3 h"),
    ]
    let table = TableResult(paper: "toy", target: "table1", title: "a toy table", scale: .quick, provenance: provenance, seeds: [1, 2],
                            wallSeconds: 1, unit: "%", tolerance: 0, rows: rows,
                            checks: [Check(name: "C1 BP best", holds: true, detail: "2.08 < 3.05")], notes: [], runs: [])
    try canonicalJSON(table).write(to: results.appendingPathComponent("table1.json"), atomically: true, encoding: .utf8)
    try "{ not json".write(to: results.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
    try #"{"paper": "toy", "target": "old"}"#.write(to: results.appendingPathComponent("old.json"), atomically: true, encoding: .utf8)
    for (name, withImage) in [("curves", true), ("lost", false)] {
      let f = FigureRecord(paper: "toy", figure: name, title: "figure \(name)", scale: .quick, provenance: provenance, seeds: [1],
                           wallSeconds: 1, checks: [Check(name: "F1", holds: false, detail: "fails on purpose")],
                           files: ["\(name).csv", "\(name).gp", "\(name).png"], runs: [])
      try canonicalJSON(f).write(to: figures.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
      if withImage { try Self.png.write(to: figures.appendingPathComponent("\(name).png")) }
    }
    // A smoke file is not part of a quick/full report.
    var smoke = table; smoke.scale = .smoke; smoke.target = "table1-smoke"
    try canonicalJSON(smoke).write(to: results.appendingPathComponent("table1-smoke.json"), atomically: true, encoding: .utf8)

    let w = try Report.write(root: root, scales: [.quick, .full])
    XCTAssertEqual(w.tables, 1)
    XCTAssertEqual(w.figures, 2)
    XCTAssertEqual(w.problems.map(\.file).sorted(), ["Results/toy/broken.json", "Results/toy/old.json"])
    let html = try String(contentsOf: w.url, encoding: .utf8)
    XCTAssertTrue(html.contains("<div class=\"problem\"><b>Skipped Results/toy/broken.json</b>"))
    XCTAssertTrue(html.contains("<td class=\"within\">2.08 ± "), "BP's cell is within band")
    XCTAssertTrue(html.contains("<td class=\"outside\">3.05 ± "), "FA's cell is outside band")
    XCTAssertTrue(html.contains("<td class=\"notrun\"><span class=\"verdict\">not run</span>"), "DFA's cell is visibly not run")
    XCTAssertTrue(html.contains("paper 2 ± 0.1"))
    XCTAssertFalse(html.contains("table1-smoke"))
    XCTAssertTrue(html.contains("<a href=\"../Figures/toy/curves.csv\">curves.csv</a>"))

    let shot = root.appendingPathComponent("Results/index.png")
    let c = try Report.checkInBrowser(w.url, screenshot: shot)
    XCTAssertEqual(c.tableSections, 1)
    XCTAssertEqual(c.figureSections, 2)
    XCTAssertEqual(c.images, 2)
    XCTAssertEqual(c.imagesLoaded, 1, "the figure without its PNG must show as not loaded")
    XCTAssertEqual(c.errors, 0)
    XCTAssertTrue(FileManager.default.fileExists(atPath: shot.path))
  }
}
