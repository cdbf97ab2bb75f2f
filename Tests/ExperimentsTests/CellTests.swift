import Foundation
import XCTest
@testable import Datasets
import Learning
import Numerics
@testable import Experiments

/// One cell for every family: a cell file round-trips for each, names its run-cache record, and runs through
/// `CellRequest.execute` to the record a direct run gives; the Slurm sweep refuses what it must.
final class CellTests: XCTestCase {
  override class func setUp() { BLASThreads.set(1) }
  let tmp = FileManager.default.temporaryDirectory

  func layered() -> Experiment {
    Experiment(name: "cell-test", data: DataSpec(dataset: .sinreg, dataSeed: 1), hidden: [8], activation: .tanh,
               initializer: .xavierUniform(gain: 1), rule: .feedbackAlignment, loss: .meanSquaredError(half: true, reduction: .batchAndOutputs),
               optimizer: .sgd(learningRate: 0.01, momentum: 0), batchSize: 32, epochs: 2, seeds: [1])
  }

  func testEveryFamilyRoundTripsThroughACellFile() throws {
    let invertible = InvertibleExperiment(name: "cell-inv", dataset: .mnist, architecture: .tower, rule: .gait(gamma: 1e-3, deviationForm: false),
                                          learningRate: 1e-4, orthoLambda: 0.1, batches: 5, evaluation: InvertibleEvaluation(every: 5, trainRows: 10))
    let cells = [Cell(layered(), seed: 3), Cell(invertible, seed: 4)]
    for cell in cells {
      let data = try canonicalJSON(cell)
      let back = try suiteJSONDecoder().decode(Cell.self, from: Data(data.utf8))
      XCTAssertEqual(back.id, cell.id); XCTAssertEqual(back.family, cell.family); XCTAssertEqual(try canonicalJSON(back), data)
    }
    XCTAssertEqual(Set(RunFamilies.all.map { $0.family }).count, RunFamilies.all.count, "family names must be distinct")
    // A file of an unknown family is refused with the families this build knows.
    let bad = try canonicalJSON(cells[0]).replacingOccurrences(of: "\"layered\"", with: "\"conv\"")
    XCTAssertThrowsError(try suiteJSONDecoder().decode(Cell.self, from: Data(bad.utf8))) { XCTAssertTrue("\($0)".contains("layered, invertible, controlled")) }
  }

  func testACellRunsIntoTheCacheAsADirectRunDoes() throws {
    let dir = tmp.appendingPathComponent("cell-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let cell = Cell(layered(), seed: 2)
    let direct = try Runner.run(layered(), seed: 2, data: DataLocations(root: dir), options: RunOptions(progress: false))
    let request = CellRequest(cell: cell, data: DataLocations(root: dir), cache: dir, options: RunOptions(progress: false))
    XCTAssertNil(try request.cached())
    let record = try request.execute()
    XCTAssertEqual(record.epochs.map(\.testLoss), direct.epochs.map(\.testLoss))
    XCTAssertEqual(try request.cached()?.epochs.map(\.testLoss), direct.epochs.map(\.testLoss))
    XCTAssertNotNil(record.host)
    // A record of another configuration under this cell's name is an error, not a result (negative control).
    var other = layered(); other.epochs = 3
    let foreign = try Runner.run(other, seed: 2, data: DataLocations(root: dir), options: RunOptions(progress: false))
    try writeAtomically(try canonicalJSON(foreign), to: JobPool.cacheURL(cell, in: dir))
    XCTAssertThrowsError(try request.cached()) { XCTAssertTrue("\($0)".contains("not this cell's")) }
  }

  /// A family's log sits behind `RunLog`; records written before (the family's fields at the top level) still read.
  func testRunLogsRoundTripAndLegacyRecordsRead() throws {
    let common = #""cpuSeconds":1,"dataChecksum":"x","epochs":[],"experiment":"e","key":"k","precision":"double","resumed":false,"rule":"gait","seed":1,"wallSeconds":1"#
    let legacy = "{\(common),\"curve\":[{\"batch\":10,\"testAccuracy\":0.5,\"testLoss\":1,\"trainAccuracy\":0.4,\"trainLoss\":1.1}],\"batchesPerEpoch\":1000}"
    let old = try suiteJSONDecoder().decode(RunRecord.self, from: Data(legacy.utf8))
    XCTAssertEqual(old.invertible?.curve.map(\.batch), [10]); XCTAssertNil(old.controlled)
    let again = try suiteJSONDecoder().decode(RunRecord.self, from: Data(try canonicalJSON(old).utf8))
    XCTAssertEqual(again.invertible, old.invertible)
    XCTAssertTrue(try canonicalJSON(old).contains("\"logFamily\" : \"invertible\"") || (try canonicalJSON(old)).contains("\"logFamily\":\"invertible\""))
    let dfcLegacy = "{\(common),\"dfcLog\":[{\"epoch\":1,\"minibatch\":0}]}"
    XCTAssertEqual(try suiteJSONDecoder().decode(RunRecord.self, from: Data(dfcLegacy.utf8)).controlled?.forward.count, 1)
    XCTAssertNil(try suiteJSONDecoder().decode(RunRecord.self, from: Data("{\(common)}".utf8)).log)
    XCTAssertThrowsError(try suiteJSONDecoder().decode(RunRecord.self, from: Data("{\(common),\"logFamily\":\"conv\",\"log\":{}}".utf8)))
  }

  func testSlurmSweepWritesRefusesAndReportsStatus() throws {
    let dir = tmp.appendingPathComponent("sweep-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let cache = dir.appendingPathComponent("cache")
    let requests = [1, 2].map { CellRequest(cell: Cell(layered(), seed: $0), data: DataLocations(root: dir), cache: cache, options: RunOptions()) }
    let sweepDir = dir.appendingPathComponent("sweep")
    var sweep = SlurmSweep(directory: sweepDir, label: "test", requests: requests, executable: URL(fileURLWithPath: "/usr/bin/reproduce"), packageRoot: dir,
                           partition: nil, time: "1 day", memory: "4G")
    XCTAssertThrowsError(try sweep.write())                         // a bad time limit: nothing written
    XCTAssertFalse(FileManager.default.fileExists(atPath: sweepDir.path))
    sweep.time = "02:00:00"; sweep.memory = "2G"; sweep.partition = "cpu"
    try sweep.write()
    let script = try String(contentsOf: sweepDir.appendingPathComponent("array.sbatch"), encoding: .utf8)
    for line in ["#SBATCH --array=1-2", "#SBATCH --cpus-per-task=1", "#SBATCH --time=02:00:00", "#SBATCH --mem=2G",
                 "#SBATCH --partition=cpu", "#SBATCH --signal=B:USR1@120", "#SBATCH --requeue", "export OPENBLAS_NUM_THREADS=1"] {
      XCTAssertTrue(script.contains(line), line)
    }
    let tsv = try String(contentsOf: sweepDir.appendingPathComponent("cells.tsv"), encoding: .utf8)
    XCTAssertTrue(tsv.contains("1\t\(requests[0].cell.id)\t/usr/bin/reproduce cell \(sweepDir.path)/cells/\(requests[0].cell.id).json"))
    try sweep.write()                                                // the same sweep again: allowed
    var other = sweep; other.requests = [requests[0]]
    XCTAssertThrowsError(try other.write()) { XCTAssertTrue("\($0)".contains("holds another sweep")) }
    XCTAssertEqual(try SlurmSweep.status(sweepDir).map(\.state), ["pending", "pending"])
    _ = try requests[0].execute()
    try "running node7 2026-01-01T00:00:00Z job 5".write(to: sweepDir.appendingPathComponent("state/\(requests[1].cell.id)"), atomically: true, encoding: .utf8)
    let states = try SlurmSweep.status(sweepDir).map(\.state)
    XCTAssertTrue(states[0].hasPrefix("done on "), states[0]); XCTAssertTrue(states[1].hasPrefix("running node7"))
    XCTAssertThrowsError(try SlurmSweep.status(dir))                 // no sweep there
    XCTAssertNil(SlurmSweep.sbatch(path: "/nonexistent:/also-not"))
  }
}
