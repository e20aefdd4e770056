import XCTest
#if canImport(FoundationXML)
import FoundationXML   // XMLParser lives here on Linux
#endif
@testable import JambaEval
@testable import JambaReport

/// The renderings: SVG that parses and has the expected grid, CSV headers and rows, Markdown tables.
final class RendererTests: XCTestCase {
    /// Counts elements while parsing; a parse error fails the test.
    final class SVGCounter: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var cells = 0
        var texts: [String] = []
        private var inText = false, current = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
            if name == "rect" && attributes["class"] == "cell" { cells += 1 }
            if name == "text" { inText = true; current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { texts.append(current); inText = false }
        }
    }

    func parse(_ svg: Data, _ name: String) throws -> SVGCounter {
        let p = XMLParser(data: svg), c = SVGCounter()
        p.delegate = c
        XCTAssertTrue(p.parse(), "\(name): \(p.parserError.map { "\($0)" } ?? "parse failed")")
        XCTAssertEqual(c.elements["svg"], 1, name)
        return c
    }

    lazy var results = try! ReportFixtures.fullResults()
    lazy var files = Dictionary(try! RunReport.files(results).map { ($0.name, $0.contents) }, uniquingKeysWith: { a, _ in a })

    func testReportFileSet() {
        XCTAssertEqual(Set(files.keys), ["results.json", "summary.md", "accuracy.csv", "throughput.csv",
                                         "heatmap-niah-jamba.svg", "heatmap-niah-transformer.svg",
                                         "heatmap-diff-niah-jamba-vs-transformer.svg",
                                         "accuracy-niah.svg", "accuracy-mqar.svg", "throughput.svg", "prefill-fit.svg"])
    }

    func testPrefillFitChartHasMeasuredPointsAndCurves() throws {
        let svg = String(decoding: try XCTUnwrap(files["prefill-fit.svg"]), as: UTF8.self)
        for label in ["jamba measured", "jamba fit", "transformer (baseline) measured", "transformer (baseline) fit",
                      "Time to first token vs prompt length", "time to first token (log scale)", "256K", ">1 s<", ">1000 s<"] {
            XCTAssertTrue(svg.contains(label), label)
        }
        // Measured: a marker per probe per model (4 lengths × 2 models); fits: one dashed curve each.
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 8 + 2)  // + the legend's two measured markers
        XCTAssertEqual(svg.components(separatedBy: "stroke-dasharray").count - 1, 2 + 2)  // curves + legend samples
        XCTAssertTrue(svg.contains("jamba fit, faster from ≈ "), svg)
    }

    func testEverySVGParses() throws {
        for (name, data) in files where name.hasSuffix(".svg") {
            let c = try parse(data, name)
            XCTAssertGreaterThan(c.elements["text"] ?? 0, 5, name)   // title, axis labels, ticks at least
        }
    }

    func testHeatmapHasOneCellPerLengthAndDepthWithValues() throws {
        let c = try parse(files["heatmap-niah-jamba.svg"]!, "heatmap")
        XCTAssertEqual(c.cells, 4 * 5)
        // Column and row labels.
        for l in ["1K", "4K", "16K", "64K", "0%", "25%", "50%", "75%", "100%"] { XCTAssertTrue(c.texts.contains(l), l) }
        // Each cell prints its score in percent: the first cell is jamba at 1K, depth 0.
        let first = results.accuracy(model: "jamba", task: "niah")!.cell(length: 1024, depth: 0)!.accuracy.mean
        XCTAssertTrue(c.texts.contains(String(format: "%.0f", 100 * first)))
        XCTAssertTrue(c.texts.contains("context length (tokens)"))
        XCTAssertTrue(c.texts.contains("needle depth (% of context)"))
    }

    func testDifferenceMapIsSigned() throws {
        let c = try parse(files["heatmap-diff-niah-jamba-vs-transformer.svg"]!, "diff")
        XCTAssertEqual(c.cells, 20)
        let j = results.accuracy(model: "jamba", task: "niah")!, t = results.accuracy(model: "transformer", task: "niah")!
        let d = j.cell(length: 65536, depth: 0.5)!.accuracy.mean - t.cell(length: 65536, depth: 0.5)!.accuracy.mean
        XCTAssertGreaterThan(d, 0)   // the synthetic baseline loses the middle at 64K
        XCTAssertTrue(c.texts.contains(ReportFormat.points(d, decimals: 0)))
        XCTAssertTrue(c.texts.contains { $0.hasPrefix("+") })
    }

    func testLineChartsHaveLegendsAndAxisTitles() throws {
        let acc = try parse(files["accuracy-niah.svg"]!, "accuracy")
        XCTAssertTrue(acc.texts.contains("jamba") && acc.texts.contains("transformer (baseline)"))
        XCTAssertTrue(acc.texts.contains("score (%)") && acc.texts.contains("context length (tokens, log scale)"))
        XCTAssertEqual(acc.elements["polyline"], 2)
        let tp = try parse(files["throughput.svg"]!, "throughput")
        XCTAssertTrue(tp.texts.contains("tokens/s (log scale)"))
        // Per model: prefill, decode, decode ×4.
        for l in ["jamba prefill", "jamba decode", "jamba decode ×4", "transformer (baseline) prefill"] { XCTAssertTrue(tp.texts.contains(l), l) }
        XCTAssertEqual(tp.elements["polyline"], 6)
    }

    func testAccuracyCSV() throws {
        let lines = String(decoding: files["accuracy.csv"]!, as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "model,task,metric,bucket,length,depth,n,mean,stderr,baseline,paired_n,delta,p_value")
        // niah: overall + 4 lengths + 5 depths + 20 cells; mqar: overall + 2 lengths; two models.
        XCTAssertEqual(lines.count, 1 + 2 * (1 + 4 + 5 + 20) + 2 * (1 + 2))
        let jambaOverall = lines.first { $0.hasPrefix("jamba,niah,string_match_all,overall,") }!.split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(jambaOverall[6], "200")
        XCTAssertEqual(jambaOverall[9], "transformer")
        XCTAssertEqual(jambaOverall[10], "200")
        let baseOverall = lines.first { $0.hasPrefix("transformer,niah,string_match_all,overall,") }!
        XCTAssertTrue(baseOverall.hasSuffix(",,,,"), baseOverall)   // no comparison for the baseline itself
        XCTAssertEqual(lines.filter { $0.contains(",cell,") }.count, 40)
    }

    func testThroughputCSV() throws {
        let lines = String(decoding: files["throughput.csv"]!, as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], ReportCSV.throughputHeader.joined(separator: ","))
        XCTAssertEqual(lines.count, 1 + results.throughput!.results.count)
        XCTAssertTrue(lines.contains { $0.hasPrefix("jamba,51600000,2,pp4096,prefill,4096,0,1,") })
        // A test name with a comma-free "@" and "×" needs no quoting.
        XCTAssertTrue(lines.contains { $0.hasPrefix("transformer,48200000,2,tg64 @ d16384 ×4,decode,64,16384,4,") })
    }

    func testCSVQuoting() {
        var t = CSVTable(header: ["a", "b"])
        t.append(["x,y", "say \"hi\""])
        XCTAssertEqual(t.text, "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n")
    }

    func testSummaryTables() {
        let md = RunReport.summary(results)
        XCTAssertEqual(String(decoding: files["summary.md"]!, as: UTF8.self), md)
        XCTAssertTrue(md.contains("| model | niah | mqar |"))
        XCTAssertTrue(md.contains("| Δ jamba − transformer |"))
        XCTAssertTrue(md.contains("| model | 1K | 4K | 16K | 64K |"))
        XCTAssertTrue(md.contains("| model | params | threads | test | t/s | util. |"))
        XCTAssertTrue(md.contains("| jamba | 51.6M | 2 | tg64 @ d16384 |"))
        XCTAssertTrue(md.contains("| jamba | 51.6M | 2 | pp4096 |"))
        XCTAssertTrue(md.contains("peak RSS"))
        XCTAssertTrue(md.contains("- command: `jamba-eval run suites/needle-demo.yaml --note 'it'\\''s'`"))
        XCTAssertTrue(md.contains("[Needle recall: jamba on niah](heatmap-niah-jamba.svg)"))
        // Every table row has as many cells as its header.
        var columns: Int? = nil
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let n = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let c = columns { XCTAssertEqual(n, c, String(line)) } else { columns = n }
        }
    }

    func testWriteCreatesTheFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        try RunReport.write(results, to: dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(Set(names), Set(files.keys))
        XCTAssertEqual(try RunResults.load(dir.appendingPathComponent("results.json")).sampleCount, results.sampleCount)
    }

    func testFormats() {
        XCTAssertEqual(ReportFormat.context(4096), "4K")
        XCTAssertEqual(ReportFormat.context(1000), "1000")
        XCTAssertEqual(ReportFormat.points(-0.03), "−3.0")
        XCTAssertEqual(ReportFormat.points(0.0001), "0.0")
        XCTAssertEqual(ReportFormat.pValue(0.0004), "<0.001")
        XCTAssertEqual(ReportFormat.pValue(0.0042), "0.004")
        XCTAssertEqual(ReportFormat.pValue(0.375), "0.38")
        XCTAssertEqual(ReportFormat.bytes(512), "512 B")
        XCTAssertEqual(ReportFormat.bytes(1_376_256), "1.31 MiB")
        XCTAssertEqual(ReportFormat.parameters(51_600_000), "51.6M")
        XCTAssertEqual(ReportCharts.fileName(["heatmap", "niah/x", "a b"]), "heatmap-niah_x-a_b.svg")
    }
}
