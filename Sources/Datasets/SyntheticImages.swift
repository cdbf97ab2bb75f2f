import Numerics

/// `synthetic-28` (28×28×1) and `synthetic-32` (32×32×3) for smoke runs and timing (WideAlign README, "Data"):
/// per class a fixed template, per channel a sum of three random Gaussian blobs scaled to 0–255; each image is
/// clamp(template + 40·N(0, 1)) as uint8, classes balanced (image i has class i mod 10). Learnable in a few steps.
/// Stored like the real sets (`ImageDataset`: CHW planes), with 10 000 test images.
public enum SyntheticImages {
  public static func make(size: Int, channels: Int, trainCount: Int, testCount: Int = 10_000, seed: UInt64 = 0) -> ImageDataset {
    var rng = Random(seed: seed, stream: "synthetic-images")
    let plane = size * size
    var templates = [[Double]](repeating: [Double](repeating: 0, count: channels * plane), count: 10)
    for k in 0..<10 {
      for c in 0..<channels {
        var t = [Double](repeating: 0, count: plane)
        for _ in 0..<3 {
          let ci = rng.uniform() * Double(size), cj = rng.uniform() * Double(size), width = 2 + rng.uniform() * Double(size) / 4
          for i in 0..<size { for j in 0..<size {
            let d2 = (Double(i) - ci) * (Double(i) - ci) + (Double(j) - cj) * (Double(j) - cj)
            t[i * size + j] += Double.exp(-d2 / (2 * width * width))
          } }
        }
        let top = t.max()!
        for p in 0..<plane { templates[k][c * plane + p] = 255 * t[p] / top }
      }
    }
    func images(_ count: Int) -> ([UInt8], [UInt8]) {
      var pixels = [UInt8](repeating: 0, count: count * channels * plane), labels = [UInt8](repeating: 0, count: count)
      for i in 0..<count {
        let k = i % 10
        labels[i] = UInt8(k)
        for f in 0..<channels * plane { pixels[i * channels * plane + f] = UInt8(max(0, min(255, (templates[k][f] + 40 * rng.normal()).rounded()))) }
      }
      return (pixels, labels)
    }
    let train = images(trainCount), test = images(testCount)
    return ImageDataset(name: "synthetic-\(size)", shape: [channels, size, size], classes: 10, trainImages: train.0, trainLabels: train.1,
                        testImages: test.0, testLabels: test.1)
  }
}
