import XCTest
import Experiments
@testable import ReproduceCLI

final class CLITests: XCTestCase {
  func message(_ args: [String]) -> String? {
    do { _ = try CommandLineSpec.parse(args); return nil } catch { return "\(error)" }
  }

  func testUnknownNamesListTheValidOnes() {
    XCTAssertTrue(message(["dfx", "--figure", "3"])!.contains("Did you mean dfc"))
    XCTAssertTrue(message(["dfc", "--figure", "9"])!.contains("valid figures: 1d, 2, 3"))
    XCTAssertTrue(message(["gait", "--table", "7"])!.contains("valid tables: 1"))
    XCTAssertTrue(message(["dfc", "--figure", "3", "--scael", "quick"])!.contains("Did you mean --scale"))
    XCTAssertTrue(message(["dfc", "--figure", "3", "--scale", "huge"])!.contains("smoke, quick, full"))
    XCTAssertTrue(message(["dfc"])!.contains("exactly one of"))
    XCTAssertNotNil(message(["data", "download"]))
  }

  func testPaperInvocationsParse() throws {
    guard case .paper(let p, .figure("3"), let o) = try CommandLineSpec.parse(["dfc", "--figure", "3", "--scale", "full"]) else {
      return XCTFail("not a paper invocation")
    }
    XCTAssertEqual(p.id, "dfc"); XCTAssertEqual(o.values["scale"], "full")
    guard case .paper(_, .figure("1D"), _) = try CommandLineSpec.parse(["dfc", "--figure", "1D"]) else { return XCTFail() }
    guard case .paper(let a, .table("1"), _) = try CommandLineSpec.parse(["align", "--table", "1"]) else { return XCTFail() }
    XCTAssertEqual(a.tables.first { $0.matches("1") }?.id, "width")
  }

  func testAlignFlagsAreCheckedAndTyped() throws {
    guard case .paper(_, _, let o) = try CommandLineSpec.parse(["align", "--table", "add", "--widths", "8,32", "--rng", "suite", "--add-shift-fix"]) else { return XCTFail() }
    let p = try Commands.paperOptions(o)
    XCTAssertEqual(p.widths, [8, 32]); XCTAssertEqual(p.stream, .suite); XCTAssertTrue(p.addShiftFix)
    // `--rng official` is every target's own replay (its default); a named stream a target does not offer is an error.
    guard case .paper(_, _, let official) = try CommandLineSpec.parse(["bioflax", "--table", "official", "--rng", "official"]) else { return XCTFail() }
    let q = try Commands.paperOptions(official)
    XCTAssertNil(q.stream)
    XCTAssertEqual(try q.stream(allowed: [.jax, .suite], target: "bioflax"), .jax)
    XCTAssertEqual(try q.stream(allowed: [.numpyLegacy, .suite], target: "align"), .numpyLegacy)
    var jax = PaperOptions(); jax.stream = .jax
    XCTAssertThrowsError(try jax.stream(allowed: [.numpyLegacy, .suite], target: "align"))
    for bad in [["--widths", "8,x"], ["--rng", "mt"], ["--kmnist-align-net", "5layer"], ["--eval-batch", "0"]] {
      guard case .paper(_, _, let o) = try CommandLineSpec.parse(["align", "--table", "width"] + bad) else { return XCTFail() }
      XCTAssertThrowsError(try Commands.paperOptions(o), "\(bad)")
    }
    guard case .train(let t) = try CommandLineSpec.parse(["train", "--rule", "align-zero", "--network", "cifar7@28", "--width", "16"]) else { return XCTFail() }
    let e = try Commands.convolutionalExperiment(t)
    XCTAssertEqual(e.rule, .alignZero); XCTAssertEqual(e.architecture.name, "cifar7@28"); XCTAssertEqual(e.architecture.width, 16)
    XCTAssertEqual(e.batchSize, 100); XCTAssertEqual(e.learningRate, 2)
    guard case .train(let d) = try CommandLineSpec.parse(["train", "--rule", "align-ada"]) else { return XCTFail() }
    XCTAssertFalse(Commands.isConvolutional(d), "without --network an Align rule trains the dense net")
    XCTAssertEqual(try Commands.trainExperiment(d).rule, .alignAda)
  }

  /// Every artefact of the five papers is built; a paper that lists one before it is (as a new paper may) must say so
  /// and fail, having written nothing, while the built one beside it still runs.
  func testNotYetImplementedIsAnError() throws {
    guard case .paper(_, _, let o) = try CommandLineSpec.parse(["gait", "--figure", "angles", "--out", NSTemporaryDirectory()]) else { return XCTFail() }
    let ran = Counter()
    let paper = Paper(id: "listed", title: "a paper with a listed figure", spec: "", artefacts: [
      Artefact(.figure, "built", title: "built", run: { _ in ran.increment(); return [] }),
      Artefact(.figure, "planned", title: "not built yet")])
    XCTAssertThrowsError(try Commands.runPaper(paper, .figure("planned"), o)) {
      XCTAssertTrue("\($0)".contains("listed figure planned: not yet implemented"), "\($0)")
    }
    XCTAssertEqual(ran.value, 0)
    XCTAssertEqual(try Commands.runPaper(paper, .figure("built"), o), 0)
    XCTAssertEqual(ran.value, 1)
  }

  func testInvertibleTrainFlags() throws {
    guard case .train(let o) = try CommandLineSpec.parse(["train", "--rule", "gait", "--network", "tower", "--gamma", "0.01",
                                                          "--target-form", "deviation", "--epochs", "2", "--eval", "official"]) else { return XCTFail() }
    let e = try Commands.invertibleExperiment(o)
    XCTAssertEqual(e.rule, .gait(gamma: 0.01, deviationForm: true)); XCTAssertEqual(e.architecture, .tower)
    XCTAssertEqual(e.learningRate, 1e-4); XCTAssertEqual(e.orthoLambda, 0.1); XCTAssertEqual(e.batches, 2000)
    XCTAssertEqual(e.evaluation, .official); XCTAssertEqual(e.beta2, 0.99); XCTAssertFalse(e.adamBiasCorrection)
    guard case .train(let tp) = try CommandLineSpec.parse(["train", "--rule", "tp"]) else { return XCTFail() }
    let t = try Commands.invertibleExperiment(tp)
    XCTAssertEqual(t.learningRate, 1e-5); XCTAssertEqual(t.orthoLambda, 1000); XCTAssertEqual(t.architecture, .fullWidth(hiddenLayers: 4))
    for bad in [["train", "--rule", "gait", "--precision", "float"], ["train", "--rule", "fa", "--network", "tower"],
                ["train", "--rule", "gait", "--target-form", "relative"]] {
      guard case .train(let b) = try CommandLineSpec.parse(bad) else { return XCTFail() }
      XCTAssertThrowsError(try Commands.invertibleExperiment(b), "\(bad)")
    }
  }

  /// Flags are declared once: the parser, the defaults and the help come from `Flags`; paper flags are parsed into
  /// a typed `PaperOptions`, and a value no artefact can take is a usage error, not a silent default.
  func testDeclaredFlagsGiveDefaultsHelpAndTypedPaperOptions() throws {
    guard case .paper(_, _, let o) = try CommandLineSpec.parse(["gait", "--table", "1", "--dataset", "fmnist,mnist", "--rules", "GAIT-prop,bp",
                                                                "--network", "tower", "--eval-every", "50"]) else { return XCTFail() }
    XCTAssertEqual(try o.int("threads"), 1); XCTAssertEqual(o.string("time"), "24:00:00"); XCTAssertNil(o.values["threads"])
    let p = try Commands.paperOptions(o)
    XCTAssertEqual(p.datasets, [.fashionMNIST, .mnist]); XCTAssertEqual(p.rules, ["gait", "bp"]); XCTAssertEqual(p.network, "tower")
    XCTAssertEqual(p.evaluateEvery, 50); XCTAssertEqual(p.depth, 8); XCTAssertFalse(p.linear)
    for bad in [["--depth", "4"], ["--dataset", "imagenet"], ["--network", "wide"], ["--eval", "often"], ["--eval-every", "0"],
                ["--sim-extrapolate"], ["--sim-early-exit", "2"], ["--precision", "half"], ["--ssa-solver", "cg"]] {
      guard case .paper(_, _, let b) = try CommandLineSpec.parse(["gait", "--table", "1"] + bad) else { return XCTFail() }
      XCTAssertThrowsError(try Commands.paperOptions(b), "\(bad)") { XCTAssertTrue($0 is UsageError) }
    }
    // Rule names are each paper's: the target that reads --rules checks them (gait's are bp, gait, tp).
    guard case .paper(_, _, let r) = try CommandLineSpec.parse(["gait", "--table", "1", "--rules", "fa"]) else { return XCTFail() }
    XCTAssertThrowsError(try Commands.paperOptions(r).rules(validIn: ["bp", "gait", "tp"], target: "gait --table 1")) { XCTAssertTrue($0 is InvalidOption) }
    let help = Help.text(nil) + Help.text("train")
    for f in Flags.paper + Flags.train + Flags.bench { XCTAssertTrue(help.contains("--\(f.name)"), f.name) }
    XCTAssertNotNil(message(["train", "--slurm", "x"]))       // a paper flag is not a train flag
  }

  /// `--seeds K` runs seeds 1…K; 0 is a usage error (it used to run the default silently, or one seed for train).
  func testSeedsZeroIsAUsageError() throws {
    for args in [["dfc", "--table", "1", "--seeds"], ["train", "--seeds"]] {
      guard let ok = try? CommandLineSpec.parse(args + ["3"]), let zero = try? CommandLineSpec.parse(args + ["0"]) else { return XCTFail("\(args)") }
      func options(_ c: Invocation) -> Options? {
        switch c { case .paper(_, _, let o): return o; case .train(let o): return o; default: return nil }
      }
      XCTAssertEqual(try options(ok)?.seedCount(), 3)
      XCTAssertThrowsError(try options(zero)?.seedCount(), "\(args)") { XCTAssertTrue($0 is UsageError) }
    }
  }

  func testTrainFlagsBuildTheExperiment() throws {
    guard case .train(let o) = try CommandLineSpec.parse(["train", "--rule", "bp", "--dataset", "fmnist", "--hidden", "64,32",
                                                          "--activation", "relu", "--epochs", "2", "--lr", "0.01"]) else { return XCTFail() }
    let e = try Commands.trainExperiment(o)
    XCTAssertEqual(e.data.dataset, .fashionMNIST); XCTAssertEqual(e.hidden, [64, 32]); XCTAssertEqual(e.activation, .relu)
    XCTAssertEqual(e.epochs, 2); XCTAssertEqual(e.optimizer.learningRate, 0.01)
    for bad in [["--rule", "xx"], ["--dataset", "imagenet"], ["--activation", "gelu"], ["--hidden", "0"], ["--optimizer", "lbfgs"]] {
      guard case .train(let ob) = try CommandLineSpec.parse(["train"] + bad) else { return XCTFail() }
      XCTAssertThrowsError(try Commands.trainExperiment(ob), "\(bad)")
    }
  }
}

/// A thread-safe count for closures the commands call (`@Sendable`).
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  var value: Int { lock.lock(); defer { lock.unlock() }; return count }
  func increment() { lock.lock(); count += 1; lock.unlock() }
}
