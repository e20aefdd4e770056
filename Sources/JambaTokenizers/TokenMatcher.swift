/// Leftmost-longest search for a set of byte strings (tokenizers uses Aho-Corasick with
/// `MatchKind::LeftmostLongest`): a byte trie tried at each position, with a table of the bytes
/// that can start a match so that ordinary text is skipped cheaply.
struct TokenMatcher: Sendable {
    private var children: [[UInt8: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]
    private var firstBytes = [Bool](repeating: false, count: 256)
    private(set) var isEmpty = true

    init(_ patterns: [([UInt8], Int)]) {
        for (bytes, index) in patterns where !bytes.isEmpty {
            var node = 0
            for byte in bytes {
                if let child = children[node][byte] {
                    node = Int(child)
                } else {
                    children.append([:])
                    terminal.append(-1)
                    children[node][byte] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            if terminal[node] < 0 { terminal[node] = Int32(index) }  // first spelling wins
            firstBytes[Int(bytes[0])] = true
            isEmpty = false
        }
    }

    func nextMatch(in text: UnsafeBufferPointer<UInt8>, from: Int) -> (index: Int, range: Range<Int>)? {
        var start = from
        while start < text.count {
            if firstBytes[Int(text[start])] {
                var node = 0
                var best: (Int, Int)?
                var i = start
                while i < text.count, let child = children[node][text[i]] {
                    node = Int(child)
                    i += 1
                    if terminal[node] >= 0 { best = (Int(terminal[node]), i) }
                }
                if let (index, end) = best { return (index, start..<end) }
            }
            start += 1
        }
        return nil
    }
}
