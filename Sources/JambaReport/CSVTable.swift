import Foundation

/// A CSV file (RFC 4180): a header and rows, fields quoted only when they need it.
struct CSVTable {
    let header: [String]
    var rows: [[String]] = []

    init(header: [String]) { self.header = header }

    mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "CSV row has \(row.count) fields, header \(header.count)")
        rows.append(row)
    }

    var text: String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Numbers in CSV: shortest round-trip form, so nothing is lost and nothing is invented.
    static func number(_ x: Double) -> String { "\(x)" }
    static func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
}
