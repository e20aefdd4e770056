import XCTest
import Yams

/// The launchers in deploy/. The Kubernetes manifests cannot run here (no cluster, registry or
/// container engine), so their structure is checked: an Indexed Job whose pod i runs shard i of
/// `completions`, retried per index, on a ReadWriteMany volume the merge Job shares. The shell
/// they and the Slurm scripts run is run for real, with a `jamba-eval` (and `sbatch`) that only
/// records its arguments, so the wiring of the shard index is tested, not read. `make
/// slurm-check` runs the Slurm scripts on a real Slurm.
final class DeployManifestTests: XCTestCase {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy")
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Stand-ins that append their arguments, one per line, then a blank line, to a log.
        for (name, body) in [("jamba-eval", ""), ("sbatch", "c=$(cat \"$LOG\" 2>/dev/null | grep -c '^$'); echo $((1000 + c))")] {
            let file = dir.appendingPathComponent("bin/\(name)")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "#!/bin/sh\nn=\"$(\(body.isEmpty ? "true" : body))\"\nprintf '%s\\n' \(name) \"$@\" '' >> \"$LOG\"\n[ -n \"$n\" ] && echo \"$n\"\nexit 0\n"
                .write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func yaml(_ name: String) throws -> [String: Any] {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent(name), encoding: .utf8)
        return try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any], name)
    }

    /// Runs `script` with /bin/sh (or `shell`) and `env`, the stand-ins first on the PATH; returns
    /// each recorded call's arguments, the program's name first.
    func calls(_ arguments: [String], env: [String: String], shell: String = "/bin/sh") throws -> [[String]] {
        let log = dir.appendingPathComponent("log-\(UUID().uuidString)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: shell)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        p.environment = env.merging(["PATH": "\(dir.path)/bin:/usr/bin:/bin", "LOG": log.path]) { a, _ in a }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, stderr)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    struct Pod {
        let container: [String: Any]
        let env: [String: String]
        let script: String
        let mounts: [String: String]      // volume name → mount path
        let claims: [String: String]      // volume name → claim name
        let spec: [String: Any]
    }

    func pod(_ job: [String: Any]) throws -> Pod {
        let spec = try XCTUnwrap((job["spec"] as? [String: Any])?["template"] as? [String: Any])["spec"] as? [String: Any]
        let s = try XCTUnwrap(spec)
        let containers = try XCTUnwrap(s["containers"] as? [[String: Any]])
        XCTAssertEqual(containers.count, 1)
        let c = containers[0]
        var env: [String: String] = [:]
        for e in c["env"] as? [[String: Any]] ?? [] { env[e["name"] as! String] = e["value"] as? String }
        XCTAssertEqual(c["command"] as? [String], ["/bin/sh", "-c"])
        let args = try XCTUnwrap(c["args"] as? [String])
        XCTAssertEqual(args.count, 1)
        var mounts: [String: String] = [:]
        for m in c["volumeMounts"] as? [[String: Any]] ?? [] { mounts[m["name"] as! String] = m["mountPath"] as? String }
        var claims: [String: String] = [:]
        for v in s["volumes"] as? [[String: Any]] ?? [] {
            claims[v["name"] as! String] = (v["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String
        }
        return Pod(container: c, env: env, script: args[0], mounts: mounts, claims: claims, spec: s)
    }

    func testIndexedJobRunsShardIOfNOnASharedVolume() throws {
        let job = try yaml("kubernetes/shards-job.yaml")
        XCTAssertEqual(job["apiVersion"] as? String, "batch/v1")
        XCTAssertEqual(job["kind"] as? String, "Job")
        let spec = try XCTUnwrap(job["spec"] as? [String: Any])
        XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
        let n = try XCTUnwrap(spec["completions"] as? Int)
        let parallelism = try XCTUnwrap(spec["parallelism"] as? Int)
        XCTAssertTrue((1...n).contains(parallelism), "parallelism \(parallelism) of \(n)")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(spec["backoffLimitPerIndex"] as? Int), 1, "a failed shard retries alone")
        XCTAssertNil(spec["backoffLimit"], "backoffLimitPerIndex replaces the Job-wide limit")
        let p = try pod(job)
        XCTAssertEqual(p.spec["restartPolicy"] as? String, "Never", "backoffLimitPerIndex needs restartPolicy Never")
        XCTAssertEqual(p.env["SHARDS"], "\(n)", "SHARDS must equal completions")
        XCTAssertTrue(p.script.contains("JOB_COMPLETION_INDEX"))

        // The shared volume: a ReadWriteMany claim holding the suite and the results.
        let claim = try yaml("kubernetes/volume.yaml")
        XCTAssertEqual(claim["kind"] as? String, "PersistentVolumeClaim")
        let claimName = try XCTUnwrap((claim["metadata"] as? [String: Any])?["name"] as? String)
        XCTAssertEqual(((claim["spec"] as? [String: Any])?["accessModes"] as? [String]), ["ReadWriteMany"])
        XCTAssertEqual(p.claims.count, 1)
        let (volume, mounted) = try XCTUnwrap(p.claims.first)
        XCTAssertEqual(mounted, claimName)
        let root = try XCTUnwrap(p.mounts[volume])
        for key in ["SUITE", "OUT"] { XCTAssertTrue(p.env[key]?.hasPrefix(root + "/") == true, "\(key) on the volume at \(root)") }

        // Each index runs its own shard into its own folder.
        for k in 0..<n {
            let env = p.env.merging(["JOB_COMPLETION_INDEX": "\(k)"]) { a, _ in a }
            XCTAssertEqual(try calls(["-c", p.script], env: env), [[
                "jamba-eval", "run", p.env["SUITE"]!, "--shard", "\(k)/\(n)", "--output", "\(p.env["OUT"]!)/shard-\(k)-of-\(n)"]])
        }
    }

    func testMergeJobJoinsTheIndexedJobsShards() throws {
        let shards = try pod(try yaml("kubernetes/shards-job.yaml"))
        let job = try yaml("kubernetes/merge-job.yaml")
        XCTAssertEqual(job["kind"] as? String, "Job")
        let spec = try XCTUnwrap(job["spec"] as? [String: Any])
        XCTAssertNil(spec["completionMode"])
        XCTAssertEqual(spec["completions"] as? Int, 1)
        let p = try pod(job)
        XCTAssertEqual(p.spec["restartPolicy"] as? String, "Never")
        XCTAssertEqual(p.claims, shards.claims)
        XCTAssertEqual(p.mounts, shards.mounts)
        XCTAssertEqual(p.container["image"] as? String, shards.container["image"] as? String, "one image: merge refuses mixed builds")
        XCTAssertEqual(p.env["OUT"], shards.env["OUT"])
        XCTAssertEqual(p.env["SHARDS"], shards.env["SHARDS"])
        // The glob picks up exactly the N shard folders (here in a scratch OUT).
        let n = Int(shards.env["SHARDS"]!)!
        let out = dir.appendingPathComponent("results").path
        for k in 0..<n { try FileManager.default.createDirectory(atPath: "\(out)/shard-\(k)-of-\(n)", withIntermediateDirectories: true) }
        try FileManager.default.createDirectory(atPath: "\(out)/shard-0-of-\(n + 1)", withIntermediateDirectories: true)
        let env = p.env.merging(["OUT": out]) { _, b in b }
        XCTAssertEqual(try calls(["-c", p.script], env: env),
                       [["jamba-eval", "merge"] + (0..<n).map { "\(out)/shard-\($0)-of-\(n)" } + ["--output", out]])
    }

    func testSlurmArrayTaskRunsItsShardAndSubmitChainsTheMerge() throws {
        let shards = Self.deploy.appendingPathComponent("slurm/jamba-eval-shards.sbatch").path
        let text = try String(contentsOfFile: shards, encoding: .utf8)
        XCTAssertTrue(text.contains("#SBATCH --requeue"), "a requeued task must rerun (and resume)")
        let env = ["SUITE": "/shared/suite.yaml", "OUT": "/shared/out", "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"]
        XCTAssertEqual(try calls([shards], env: env, shell: "/bin/bash"),
                       [["jamba-eval", "run", "/shared/suite.yaml", "--shard", "2/3", "--output", "/shared/out/shard-2-of-3"]])

        // submit.sh: the array over 0…N-1, then the merge after every task succeeded.
        let suite = dir.appendingPathComponent("suite.yaml")
        try "name: x\n".write(to: suite, atomically: true, encoding: .utf8)
        let submitted = try calls([Self.deploy.appendingPathComponent("slurm/submit.sh").path, suite.path, "3", "out", "--partition=cpu"],
                                  env: [:], shell: "/bin/bash")
        XCTAssertEqual(submitted.count, 2)
        XCTAssertEqual(submitted.first, ["sbatch", "--parsable", "--array=0-2", "--export=ALL,SUITE=\(suite.path),OUT=\(dir.path)/out",
                                         "--partition=cpu", shards])
        XCTAssertEqual(submitted.last, ["sbatch", "--parsable", "--dependency=afterok:1000", "--kill-on-invalid-dep=yes",
                                        "--export=ALL,OUT=\(dir.path)/out,N=3", "--partition=cpu",
                                        Self.deploy.appendingPathComponent("slurm/jamba-eval-merge.sbatch").path])

        let merge = Self.deploy.appendingPathComponent("slurm/jamba-eval-merge.sbatch").path
        let out = dir.appendingPathComponent("out").path
        for k in 0..<3 { try FileManager.default.createDirectory(atPath: "\(out)/shard-\(k)-of-3", withIntermediateDirectories: true) }
        XCTAssertEqual(try calls([merge], env: ["OUT": out, "N": "3"], shell: "/bin/bash"),
                       [["jamba-eval", "merge"] + (0..<3).map { "\(out)/shard-\($0)-of-3" } + ["--output", out]])
    }
}
