import Datasets
import Numerics

/// Builds the learning problem an experiment names, in the experiment's precision.
public enum ProblemLoader {
  public static func load<T: BLASScalar>(_ spec: DataSpec, _ locations: DataLocations, as: T.Type = T.self) throws -> Problem<T> {
    var p: Problem<T>
    switch spec.dataset {
    case .teacher: p = SyntheticRegression.teacher(seed: spec.dataSeed)
    case .sinreg: p = SyntheticRegression.sine(seed: spec.dataSeed)
    default:
      let images = try Catalog.load(spec.dataset, locations)
      p = images.problem(scaling: spec.scaling, validationCount: spec.validationCount, splitSeed: spec.splitSeed)
    }
    if let n = spec.limit {
      func head(_ e: Examples<T>) -> Examples<T> { e.count <= n ? e : e.subset(Array(0..<n)) }
      p.train = head(p.train); p.validation = head(p.validation); p.test = head(p.test)
    }
    return p
  }
}
