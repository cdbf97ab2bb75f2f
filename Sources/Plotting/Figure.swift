import CPNG
import Foundation

/// A figure as files: the CSV data, the gnuplot script that reads it, and the PNG gnuplot renders
/// (pngcairo). Anyone can restyle the script and re-render without retraining.
public struct FigureFiles: Sendable {
  public let directory: URL
  public let name: String
  public var dataName: String? = nil          // the CSV the script reads, when not <name>.csv
  public var csv: URL { directory.appendingPathComponent("\(dataName ?? name).csv") }
  public var script: URL { directory.appendingPathComponent("\(name).gp") }
  public var png: URL { directory.appendingPathComponent("\(name).png") }
  public var json: URL { directory.appendingPathComponent("\(name).json") }
  public init(directory: URL, name: String) { self.directory = directory; self.name = name }
}

/// Writes a CSV with a header row; values with `%.10g`.
public func writeCSV(_ url: URL, header: [String], rows: [[Double]]) throws {
  var s = header.joined(separator: ",") + "\n"
  for r in rows { s += r.map { $0.isNaN ? "nan" : String(format: "%.10g", $0) }.joined(separator: ",") + "\n" }
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try s.write(to: url, atomically: true, encoding: .utf8)
}

public enum Gnuplot {
  /// The preamble every script shares: pngcairo output next to the script, CSV input.
  public static func preamble(png: String, width: Int = 900, height: Int = 600) -> String {
    """
    # Rendered by: gnuplot \(png.replacingOccurrences(of: ".png", with: ".gp")) (run from this directory)
    set terminal pngcairo size \(width),\(height) noenhanced font 'Sans,11'
    set output '\(png)'
    set datafile separator ','
    set key autotitle columnhead
    set grid lc rgb '#dddddd'

    """
  }

  public static var isAvailable: Bool { executable != nil }

  static var executable: String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let p = "\(dir)/gnuplot"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  /// Renders `files.script` in its directory. Returns nil on success, or what went wrong: gnuplot missing, a
  /// non-zero exit, or anything gnuplot printed. Our scripts print nothing when every file is there and every
  /// curve has points, so a message ("Cannot find or open file", "No data in plot", "Skipping data file with no
  /// valid points", "empty y range") means a missing or empty panel, and the figure is not "ok".
  public static func render(_ files: FigureFiles) -> String? {
    guard let exe = executable else {
      return "gnuplot is not installed: the CSV and script are written; install gnuplot-nox (apt-get install gnuplot-nox) and run `cd \(files.directory.path) && gnuplot \(files.name).gp`."
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = [files.script.lastPathComponent]
    p.currentDirectoryURL = files.directory
    let err = Pipe(); p.standardError = err
    do { try p.run() } catch { return "gnuplot could not start: \(error)" }
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    p.waitUntilExit()
    if p.terminationStatus != 0 || !message.isEmpty {
      return "gnuplot \(p.terminationStatus != 0 ? "failed (exit \(p.terminationStatus))" : "warned") on \(files.script.path):\n\(message)"
    }
    return nil
  }
}

/// What libpng reads from a PNG: its size and whether it shows anything (not one flat colour).
public struct PNGSummary: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public let distinctColours: Int          // among the sampled pixels, capped at 1000
  public var isBlank: Bool { distinctColours < 2 }
}

public enum PNGError: Error, CustomStringConvertible {
  case unreadable(String)
  public var description: String { switch self { case .unreadable(let s): return s } }
}

/// Reads a PNG with libpng (simplified API) as RGBA and summarises it.
public func inspectPNG(_ path: String) throws -> PNGSummary {
  var image = png_image()
  image.version = UInt32(PNG_IMAGE_VERSION)
  guard png_image_begin_read_from_file(&image, path) != 0 else {
    throw PNGError.unreadable("\(path) is not a readable PNG")
  }
  image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // PNG_FORMAT_RGBA (a macro Swift cannot import)
  let stride = Int(image.width) * 4
  var buffer = [UInt8](repeating: 0, count: stride * Int(image.height))
  let ok = buffer.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(stride), nil) }
  guard ok != 0 else { png_image_free(&image); throw PNGError.unreadable("\(path): libpng could not decode the pixels") }
  var colours = Set<UInt32>()
  let pixels = Int(image.width) * Int(image.height)
  var i = 0
  while i < pixels && colours.count < 1000 {
    let o = i * 4
    colours.insert(UInt32(buffer[o]) << 24 | UInt32(buffer[o + 1]) << 16 | UInt32(buffer[o + 2]) << 8 | UInt32(buffer[o + 3]))
    i += 7
  }
  return PNGSummary(width: Int(image.width), height: Int(image.height), distinctColours: colours.count)
}
