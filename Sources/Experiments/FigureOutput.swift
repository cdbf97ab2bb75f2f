import Foundation
import Plotting

/// Writes one figure: its CSV, the gnuplot script, the PNG rendered from them (checked with libpng), and the
/// JSON provenance with the figure's computed checks. Returns the files written. Throws `FigureError` after
/// writing the data and script when gnuplot fails, warns (a missing file, a curve without points) or draws a
/// blank image: such a figure is not a result.
public func writeFigure(paper: String, name: String, title: String, context: ArtefactContext, header: [String],
                        rows: [[Double]], script: String, checks: [Check], runs: [RunRecord], seeds: [UInt64],
                        wallSeconds: Double, size: (width: Int, height: Int) = (1200, 450), dataName: String? = nil,
                        extraFiles: [String: String] = [:]) throws -> [URL] {
  try context.checkFileName(name)
  let dir = context.outputRoot.appendingPathComponent("Figures").appendingPathComponent(paper)
  var files = FigureFiles(directory: dir, name: name)
  files.dataName = dataName
  try writeCSV(files.csv, header: header, rows: rows)
  for (file, text) in extraFiles.sorted(by: { $0.key < $1.key }) { try writeAtomically(text, to: dir.appendingPathComponent(file)) }
  try writeAtomically(Gnuplot.preamble(png: "\(name).png", width: size.width, height: size.height) + script, to: files.script)
  var written = extraFiles.keys.sorted().map { dir.appendingPathComponent($0) } + [files.csv, files.script]
  if let problem = Gnuplot.render(files) { throw FigureError(problem) }
  let png = try inspectPNG(files.png.path)
  if png.isBlank { throw FigureError("\(files.png.path) rendered blank (one colour)") }
  written.append(files.png)
  let record = FigureRecord(paper: paper, figure: name, title: title, scale: context.scale,
                            provenance: Provenance.current(packageRoot: context.packageRoot), seeds: seeds,
                            wallSeconds: wallSeconds, checks: checks,
                            files: written.map(\.lastPathComponent), runs: runs)
  let json = try canonicalJSON(record)
  try writeAtomically(json, to: files.json)
  // On stdout: one JSON object with --json, else the computed checks.
  if context.json { print(json) }
  else { for c in checks { print("\(name): \(c.name): \(c.holds.map { $0 ? "holds" : "FAILS" } ?? "undecided") (\(c.detail))") } }
  return written + [files.json]
}

/// A figure that did not render as a result: gnuplot's own message, or why the image is empty.
public struct FigureError: Error, CustomStringConvertible {
  public let description: String
  public init(_ message: String) { description = message }
}

/// Mean and standard deviation of each column over seeds, NaN where no seed has a finite value.
public func meanStd(_ values: [Double]) -> (mean: Double, std: Double) {
  let finite = values.filter(\.isFinite)
  if finite.isEmpty { return (.nan, .nan) }
  let s = Summary(finite)
  return (s.mean, s.std)
}
