import XCTest
@testable import JambaModels

final class ConfigurationTests: XCTestCase {
    func decode(_ json: String) throws -> ModelConfiguration {
        try ModelConfiguration.decode(Data(json.utf8), file: "config.json")
    }

    func expectFieldError(_ json: String, field: String, mentions: String? = nil, line: UInt = #line) {
        XCTAssertThrowsError(try decode(json), line: line) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("config.json") && text.contains("'\(field)'"), "\(text) should name \(field)", line: line)
            if let m = mentions { XCTAssertTrue(text.contains(m), "\(text) should mention \(m)", line: line) }
        }
    }

    func testDefaultsAreTransformers() throws {
        let c = try decode(#"{"model_type": "jamba"}"#)
        XCTAssertEqual(c.vocabSize, 65536)
        XCTAssertEqual(c.hiddenSize, 4096)
        XCTAssertEqual(c.dtRank, 256)   // "auto" = ceil(4096 / 16)
        XCTAssertEqual(c.dInner, 8192)
        XCTAssertEqual(c.layers.filter { $0.mixer == .attention }.map(\.index), [4, 12, 20, 28])
        XCTAssertEqual(c.layers.filter { $0.feedForward.isMoE }.count, 16)
        XCTAssertEqual(c.eosTokenIds, [2])
    }

    func testDtRankAutoRoundsUp() throws {
        // num_key_value_heads given: JambaConfig's default for a missing one is 8, as transformers.
        XCTAssertEqual(try decode(#"{"hidden_size": 100, "num_attention_heads": 4, "num_key_value_heads": 4, "mamba_dt_rank": "auto"}"#).dtRank, 7)
        XCTAssertEqual(try decode(#"{"model_type": "jamba"}"#).numKeyValueHeads, 8)
        XCTAssertEqual(try decode(#"{"mamba_dt_rank": 9}"#).dtRank, 9)
        expectFieldError(#"{"mamba_dt_rank": "big"}"#, field: "mamba_dt_rank")
    }

    func testLayersBlockTypeOverridesPeriod() throws {
        let c = try decode(#"{"num_hidden_layers": 3, "layers_block_type": ["mamba", "attention", "attention"]}"#)
        XCTAssertEqual(c.layers.map(\.mixer), [.mamba, .attention, .attention])
        expectFieldError(#"{"num_hidden_layers": 2, "layers_block_type": ["mamba"]}"#, field: "layers_block_type")
        expectFieldError(#"{"num_hidden_layers": 1, "layers_block_type": ["rnn"]}"#, field: "layers_block_type.[0]")
    }

    func testInvalidCombinationsNameTheField() {
        expectFieldError(#"{"hidden_size": 100, "num_attention_heads": 3}"#, field: "num_attention_heads", mentions: "not divisible")
        expectFieldError(#"{"num_attention_heads": 8, "num_key_value_heads": 3}"#, field: "num_key_value_heads", mentions: "not divisible")
        expectFieldError(#"{"num_experts": 4, "num_experts_per_tok": 5}"#, field: "num_experts_per_tok", mentions: "exceeds")
        expectFieldError(#"{"attn_layer_period": 4, "attn_layer_offset": 4}"#, field: "attn_layer_offset")
        expectFieldError(#"{"hidden_size": "big"}"#, field: "hidden_size")
        expectFieldError(#"{"hidden_act": "gelu"}"#, field: "hidden_act")
        expectFieldError(#"{"vocab_size": 0}"#, field: "vocab_size")
        expectFieldError(#"{"model_type": "gpt2"}"#, field: "model_type")
    }

    func testEosAsListAndNullKvHeads() throws {
        let c = try decode(#"{"eos_token_id": [2, 7], "num_key_value_heads": null, "num_attention_heads": 16}"#)
        XCTAssertEqual(c.eosTokenIds, [2, 7])
        XCTAssertEqual(c.numKeyValueHeads, 16)
    }

    func testEncodeDecodeRoundTrip() throws {
        var c = ModelConfiguration()
        c.hiddenSize = 64; c.numAttentionHeads = 4; c.numKeyValueHeads = 2; c.mambaDtRankValue = 5
        let again = try ModelConfiguration.decode(try JSONEncoder().encode(c), file: "x")
        XCTAssertEqual(again, c)
    }
}
