import XCTest
@testable import Datasets

/// Pillow's bilinear resize, which biotorch's 28 → 32 resize calls (Bioflax README, "Table 4").
final class ResizeTests: XCTestCase {
  /// Expected values printed by Pillow 13.0.0 (`pip install pillow`):
  ///   python3 -c "from PIL import Image; px=[(i*37+(i//28)*11)%256 for i in range(784)]; im=Image.new('L',(28,28));
  ///   im.putdata(px); d=list(im.resize((32,32), Image.BILINEAR).getdata()); print(sum(d), d[:12], d[512:524], d[-8:])"
  static let pattern: [UInt8] = (0..<784).map { (i: Int) -> UInt8 in UInt8((i * 37 + (i / 28) * 11) % 256) }

  func testMatchesPillowBilinear() {
    let image = ResizeTests.pattern
    let out = BilinearResize.resize(image, count: 1, from: 28, to: 32).map(Int.init)
    XCTAssertEqual(out.count, 1024)
    XCTAssertEqual(out.reduce(0, +), 130112)
    XCTAssertEqual(Array(out[..<12]), [0, 30, 62, 95, 127, 160, 192, 208, 17, 33, 65, 98])
    XCTAssertEqual(Array(out[512..<524]), [65, 95, 127, 160, 192, 225, 209, 33, 66, 98, 130, 163])
    XCTAssertEqual(Array(out[1016...]), [116, 148, 180, 213, 133, 22, 54, 84])
  }

  /// A constant image stays constant (the weights of every output pixel sum to one); negative control: a plain
  /// nearest-neighbour upsampling gives a different image on the pattern above.
  func testConstantImageAndNegativeControl() {
    XCTAssertEqual(Set(BilinearResize.resize([UInt8](repeating: 77, count: 784), count: 1, from: 28, to: 32)), [77])
    let image = ResizeTests.pattern
    let nearest = (0..<1024).map { (q: Int) -> UInt8 in image[(q / 32) * 28 / 32 * 28 + (q % 32) * 28 / 32] }
    XCTAssertNotEqual(BilinearResize.resize(image, count: 1, from: 28, to: 32), nearest)
  }
}
