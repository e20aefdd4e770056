import Foundation
import JambaEval

extension RunResults {
    /// The results of a runner's output: what `jamba-eval run` writes, for a whole suite or (with
    /// the run's shard manifest) one shard of it.
    public static func build(run out: Runner.Output, suite: Suite, environment: RunEnvironment) throws -> RunResults {
        try build(samples: out.samples,
                  models: out.models.map { ModelInfo($0.spec, model: $0.model) },
                  suite: SuiteInfo(suite: suite, fingerprint: Fingerprint.of(out.models.map(\.fingerprint))),
                  environment: environment,
                  throughput: out.throughput,
                  tokenization: out.tokenization.map { TokenizationTime(model: $0.model, task: $0.task, tokens: $0.tokens, seconds: $0.seconds) },
                  peakResidentBytes: out.peakResidentBytes,
                  sharding: out.manifest.map { ShardingInfo(shard: $0, recorded: out.samples.count) })
    }
}
