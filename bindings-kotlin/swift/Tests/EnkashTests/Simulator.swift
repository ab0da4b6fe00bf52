import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import Enkash

/// The enkash-mock simulator binary on an ephemeral loopback port, and its admin API.
final class Simulator {
    let process = Process()
    /// Our end of the simulator's stdin: when this test process ends, it closes and the
    /// simulator (started with --exit-on-stdin-eof) exits too, even if deinit never runs.
    let stdin = Pipe()
    let url: String

    init() throws {
        let bin = ProcessInfo.processInfo.environment["ENKASH_MOCK_BIN"] ?? "enkash-mock"
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["--listen", "127.0.0.1:0", "--exit-on-stdin-eof"]
        process.standardInput = stdin
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        url = String(decoding: line, as: UTF8.self)
    }

    deinit { process.terminate() }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: String? = nil) throws -> Data {
        var req = URLRequest(url: URL(string: url + path)!)
        req.httpMethod = method
        req.setValue("application/json", forHTTPHeaderField: "content-type")
        if let body { req.httpBody = Data(body.utf8) }
        let done = DispatchSemaphore(value: 0)
        var out: Result<Data, Error> = .failure(URLError(.unknown))
        URLSession.shared.dataTask(with: req) { data, _, error in
            out = error.map { .failure($0) } ?? .success(data ?? Data())
            done.signal()
        }.resume()
        done.wait()
        return try out.get()
    }

    func seed(_ json: String) throws { try call("POST", "/__mock/seed", json) }
    func seed(_ object: Any) throws { try call("POST", "/__mock/seed", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)) }
    func addFault(_ json: String) throws { try call("POST", "/__mock/faults", json) }
    func expireTokens() throws { try call("POST", "/__mock/tokens/expire", "{}") }
    func journal() throws -> [String: Any] { try JSONSerialization.jsonObject(with: try call("GET", "/__mock/journal")) as! [String: Any] }
    func count(_ route: String) throws -> Int { ((try journal()["counts"] as? [String: Any])?[route] as? Int) ?? 0 }

    func client(secretKey: String = "sk_test", maxRetries: UInt32? = nil, refundLookup: String? = nil,
                gatewayDedupesRequestId: Bool? = nil, environment: String? = nil,
                userAgentSuffix: String? = nil, tokenProvider: TokenProvider? = nil) throws -> EnkashClient {
        // An app client with a token provider holds no secret key.
        let config = ClientConfig(
            accessKey: Secret("ak_test"), secretKey: tokenProvider == nil ? Secret(secretKey) : nil,
            environment: environment, baseUrl: url,
            timeout: 20, requestTimeout: 5, maxRetries: maxRetries,
            initialBackoff: 0.005, maxBackoff: 0.05, userAgentSuffix: userAgentSuffix, refundLookup: refundLookup,
            gatewayDedupesRequestId: gatewayDedupesRequestId)
        guard let provider = tokenProvider else { return try EnkashClient(config: config) }
        return try EnkashClient.withTokenProvider(config: config, provider: provider)
    }
}
