/// One scored position of a position-scored record (MQAR-style recall): the model's argmax at
/// `position` (its prediction of the token after it) should be `target`. Written as the pair
/// `[position, target]`.
public struct TargetPosition: Equatable, Hashable, Sendable {
    public var position: Int
    public var target: Int

    public init(position: Int, target: Int) {
        self.position = position
        self.target = target
    }
}
