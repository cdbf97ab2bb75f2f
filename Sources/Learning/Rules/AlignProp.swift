import Numerics

extension FeedbackAlignment {
  /// Align-prop (Boopathy & Fiete 2022; WideAlign README): feedback alignment whose feedback matrices are copies of
  /// the initial forward weights W(0): literally FA's path, so no type of its own.
  public static func alignProp(initial: Network<Scalar>) -> FeedbackAlignment {
    FeedbackAlignment(feedback: initial.parameters)
  }
}
