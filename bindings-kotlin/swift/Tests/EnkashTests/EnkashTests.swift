import XCTest
import Foundation
@testable import Enkash

final class ScenarioTests: XCTestCase {
    /// The shared scenario manifest (tests/scenarios/*.json), run through the Swift binding.
    func testSharedScenarioManifest() async throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ENKASH_SCENARIOS"] ?? "../../tests/scenarios")
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        XCTAssertGreaterThanOrEqual(files.count, 20)
        let sim = try Simulator()
        for file in files {
            let sc = try JSONSerialization.jsonObject(with: try Data(contentsOf: file)) as! [String: Any]
            try await run(sc, name: file.deletingPathExtension().lastPathComponent, sim: sim)
        }
    }

    private func refundDict(_ r: Refund) -> [String: Any?] {
        ["request_id": r.requestId, "transaction_id": r.transactionId, "refund_transaction_id": r.refundTransactionId,
         "amount": r.amount.enkashPlainString, "status": r.status, "raw_status": r.rawStatus]
    }

    private func call(_ c: EnkashClient, _ name: String, _ a: [String: Any]) async throws -> [String: Any?] {
        let s = { (k: String) in a[k] as? String }
        switch name {
        case "refund":
            return refundDict(try await c.refund(transactionId: s("transaction_id")!, amount: try parseAmount(text: s("amount")!), requestId: s("request_id"), remarks: s("remarks"), reconcileFirst: false))
        case "get_refund":
            return refundDict(try await c.getRefund(transactionId: s("transaction_id")!, requestId: s("request_id")!, refundTransactionId: s("refund_transaction_id")))
        case "wait_for_refund":
            return refundDict(try await c.waitForRefund(transactionId: s("transaction_id")!, requestId: s("request_id")!, refundTransactionId: s("refund_transaction_id"), timeout: Double(a["timeout_ms"] as? Int ?? 10000) / 1000))
        case "get_transaction":
            let t = try await c.getTransaction(transactionId: s("transaction_id")!)
            return ["transaction_id": t.transactionId, "status": t.status, "amount": t.amount?.enkashPlainString, "payment_mode": t.paymentMode]
        case "issue_token":
            return ["expires_at_ms": try await c.issueToken().expiresAtMs]
        case "get_order":
            let o = try await c.getOrder(orderId: s("order_id")!)
            return ["order_id": o.orderId, "status": o.status, "amount": o.amount?.enkashPlainString]
        case "parse_payment_notification":
            let n = try parsePaymentNotification(body: Data(s("body")!.utf8))
            return ["transaction_id": n.transactionId, "order_id": n.orderId, "status": n.status, "order_status": n.orderStatus,
                    "amount": n.amount?.enkashPlainString, "final_amount": n.finalAmount?.enkashPlainString, "payment_mode": n.paymentMode]
        default:
            XCTFail("unknown call \(name)"); return [:]
        }
    }

    private func same(_ key: String, _ want: Any?, _ got: Any?) -> Bool {
        if key.contains("amount"), let w = want as? String, let g = got as? String {
            return Decimal(string: w, locale: Locale(identifier: "en_US_POSIX")) == Decimal(string: g, locale: Locale(identifier: "en_US_POSIX"))
        }
        switch (want, got) {
        case (nil, nil), (is NSNull, nil): return true
        case (let w as String, let g as String): return w == g
        case (let w as Bool, let g as Bool): return w == g
        case (let w as Int, let g as Int): return w == g
        case (let w as NSNumber, let g as Bool): return w.boolValue == g
        default: return false
        }
    }

    private func check(_ expect: [String: Any], _ actual: [String: Any?], _ whereAt: String) {
        for (k, want) in expect {
            let got = actual[k] ?? nil
            XCTAssertTrue(same(k, want is NSNull ? nil : want, got), "\(whereAt): \(k): expected \(want), got \(String(describing: got))")
        }
    }

    private func run(_ sc: [String: Any], name: String, sim: Simulator) async throws {
        try sim.seed(sc["seed"]!)
        let c = sc["client"] as? [String: Any] ?? [:]
        let provider = c["token_source"] as? String == "provider"
            ? BackendTokens(try sim.client(), fails: c["provider"] as? String == "fails") : nil
        let client = try sim.client(secretKey: c["secret_key"] as? String ?? "sk_test",
                                    maxRetries: (c["max_retries"] as? Int).map { UInt32($0) },
                                    refundLookup: c["refund_lookup"] as? String,
                                    gatewayDedupesRequestId: c["gateway_dedupes_request_id"] as? Bool,
                                    environment: c["environment"] as? String,
                                    userAgentSuffix: c["user_agent_suffix"] as? String,
                                    tokenProvider: provider)
        for (i, step) in (sc["steps"] as! [[String: Any]]).enumerated() {
            if step["admin"] as? String == "expire_tokens" { try sim.expireTokens(); continue }
            if let ms = step["wait_ms"] as? Int { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000); continue }
            let whereAt = "\(name) step \(i) (\(step["call"]!))"
            let expect = step["expect"] as! [String: Any]
            do {
                let result = try await call(client, step["call"] as! String, step["args"] as! [String: Any])
                guard let ok = expect["ok"] as? [String: Any] else { XCTFail("\(whereAt): expected an error, got \(result)"); continue }
                check(ok, result, whereAt)
            } catch let e as EnkashError {
                guard let err = expect["error"] as? [String: Any] else { XCTFail("\(whereAt): expected success, got \(e)"); continue }
                let info = e.info
                check(err, ["code": info.code, "field": info.field, "request_id": info.requestId,
                            "retryable": info.retryable, "http_status": info.httpStatus.map { Int($0) }], whereAt)
            }
        }
        let j = try sim.journal()
        let refunds = j["refunds"] as! [[String: Any]]
        var per: [String: Int] = [:]
        for r in refunds { per[r["request_id"] as! String, default: 0] += 1 }
        XCTAssertTrue(per.values.allSatisfy { $0 == 1 }, "\(name): a requestId was applied twice")
        let want = sc["journal"] as! [String: Any]
        if let n = want["refunds_applied"] as? Int { XCTAssertEqual(refunds.count, n, "\(name): refunds applied") }
        for text in want["user_agent_contains"] as? [String] ?? [] {
            for r in j["requests"] as! [[String: Any]] {
                let ua = r["user_agent"] as? String ?? ""
                XCTAssertTrue(ua.contains(text), "\(name): User-Agent of \(r["route"]!) lacks \(text): \(ua)")
            }
        }
        let counts = j["counts"] as! [String: Any]
        for (route, n) in want["counts"] as? [String: Int] ?? [:] {
            XCTAssertEqual(counts[route] as? Int ?? 0, n, "\(name): count \(route)")
        }
    }
}

/// An app's provider: asks "the backend" (a client holding the secret key) for a token.
final class BackendTokens: TokenProvider, @unchecked Sendable {
    let backend: EnkashClient
    let fails: Bool
    var asked = 0
    init(_ backend: EnkashClient, fails: Bool = false) { self.backend = backend; self.fails = fails }
    func fetchToken() async throws -> IssuedToken {
        asked += 1
        if fails { throw TokenProviderError.Failed(reason: "backend unreachable") }
        return try await backend.issueToken()
    }
}

final class ClientTests: XCTestCase {
    func testAnAppWithoutTheSecretKeyGetsItsTokensFromItsBackend() async throws {
        let sim = try Simulator()
        try sim.seed(#"{"transactions":[{"id":"EKSAPP1","amount":"100"}]}"#)
        let provider = BackendTokens(try sim.client())
        let app = try EnkashClient.withTokenProvider(
            config: ClientConfig(accessKey: Secret("ak_test"), baseUrl: sim.url, initialBackoff: 0.005), provider: provider)
        _ = try await app.refund(transactionId: "EKSAPP1", amount: Decimal(string: "5")!, requestId: newRequestId(), remarks: nil, reconcileFirst: false)
        XCTAssertEqual(provider.asked, 1)
        try sim.expireTokens()
        _ = try await app.getTransaction(transactionId: "EKSAPP1")
        XCTAssertEqual(provider.asked, 2, "a rejected token is refreshed from the provider once")
        do {
            _ = try await app.issueToken()
            XCTFail("a provider client has no secret key to issue with")
        } catch EnkashError.Usage(_) {}
        let issued = try await provider.backend.issueToken()
        XCTAssertFalse("\(issued)".contains(issued.token.value), "an issued token never prints")
        XCTAssertFalse("\(app)".contains(issued.token.value), "the app client never prints its token")
        do {
            _ = try EnkashClient.withTokenProvider(
                config: ClientConfig(accessKey: Secret("ak_test"), secretKey: Secret("sk_test"), baseUrl: sim.url), provider: provider)
            XCTFail("a provider-backed client must refuse the secret key")
        } catch EnkashError.InvalidRequest(let info) {
            XCTAssertEqual(info.field, "secret_key")
        }
    }

    /// A refund whose Task is cancelled after the POST was committed runs on in the background:
    /// reconciled once, never resent, and found by the requestId held before the call.
    func testCancelledRefundFinishesOnceInTheBackground() async throws {
        let sim = try Simulator()
        try sim.seed(#"{"transactions":[{"id":"EKSCX1","amount":"500"}]}"#)
        try sim.addFault(#"{"route":"refund","kind":"reset_after_commit","delay_ms":600,"times":1}"#)
        let client = try sim.client()
        let requestId = newRequestId()
        let task = Task {
            try await client.refund(transactionId: "EKSCX1", amount: Decimal(string: "25")!, requestId: requestId, remarks: nil, reconcileFirst: false)
        }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        _ = await task.result
        var waited = 0
        while try sim.count("refund_enquiry") == 0 && waited < 100 { try await Task.sleep(nanoseconds: 50_000_000); waited += 1 }
        let journal = try sim.journal()
        XCTAssertEqual((journal["refunds"] as! [[String: Any]]).map { $0["request_id"] as! String }, [requestId], "refunded once")
        XCTAssertEqual(try sim.count("refund"), 1, "never resent")
        XCTAssertEqual(try sim.count("refund_enquiry"), 1, "the cancelled refund was reconciled")
        let found = try await client.findRefund(transactionId: "EKSCX1", requestId: requestId, refundTransactionId: nil)
        XCTAssertEqual(found?.requestId, requestId)
    }

    func testConcurrentAsyncLetRefundsShareOneToken() async throws {
        let sim = try Simulator()
        try sim.seed(#"{"transactions":[{"id":"EKS1","amount":"100"},{"id":"EKS2","amount":"100"},{"id":"EKS3","amount":"100"},{"id":"EKS4","amount":"100"}]}"#)
        let client = try sim.client()
        async let a = client.refund(transactionId: "EKS1", amount: Decimal(string: "10.25")!, requestId: "S-1", remarks: nil, reconcileFirst: false)
        async let b = client.refund(transactionId: "EKS2", amount: Decimal(string: "10.25")!, requestId: "S-2", remarks: nil, reconcileFirst: false)
        async let c = client.refund(transactionId: "EKS3", amount: Decimal(string: "10.25")!, requestId: "S-3", remarks: nil, reconcileFirst: false)
        async let d = client.refund(transactionId: "EKS4", amount: Decimal(string: "10.25")!, requestId: "S-4", remarks: nil, reconcileFirst: false)
        let all = try await [a, b, c, d]
        XCTAssertEqual(all.map(\.requestId), ["S-1", "S-2", "S-3", "S-4"])
        XCTAssertTrue(all.allSatisfy { $0.amount == Decimal(string: "10.25")! })
        XCTAssertEqual(try sim.count("token"), 1)
    }

    func testErrorsAreTypedCases() async throws {
        let sim = try Simulator()
        try sim.seed(#"{"transactions":[{"id":"EKE","amount":"10"}]}"#)
        let client = try sim.client()
        do {
            _ = try await client.refund(transactionId: "EKE", amount: Decimal(11), requestId: "E-1", remarks: nil, reconcileFirst: false)
            XCTFail("expected an error")
        } catch EnkashError.RefundExceedsAvailable(let info) {
            XCTAssertEqual(info.code, "refund_exceeds_available")
            XCTAssertEqual(info.httpStatus, 400)
            XCTAssertEqual(info.requestId, "E-1")
            XCTAssertFalse(info.retryable)
        }
        do { _ = try await client.getTransaction(transactionId: "EKNONE"); XCTFail() } catch EnkashError.NotFound { }
        do { _ = try await sim.client(secretKey: "wrong").checkToken(); XCTFail() } catch EnkashError.Authentication { }
        XCTAssertThrowsError(try triggerInternalPanic()) { e in
            guard case EnkashError.Internal = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(errorCodes().count, 16)
    }

    func testBadInputsAreRejectedAndNothingIsSent() async throws {
        let sim = try Simulator()
        try sim.seed(#"{"transactions":[{"id":"EKB","amount":"100"}]}"#)
        let client = try sim.client()
        for amount in ["0", "-1", "1.005", "0.001", "1000000000.01"] {
            do {
                _ = try await client.refund(transactionId: "EKB", amount: Decimal(string: amount)!, requestId: nil, remarks: nil, reconcileFirst: false)
                XCTFail(amount)
            } catch EnkashError.InvalidRequest(let info) { XCTAssertEqual(info.field, "amount") }
        }
        for id in ["", " EK", "EK/1", String(repeating: "E", count: 100)] {
            do { _ = try await client.getTransaction(transactionId: id); XCTFail(id) } catch EnkashError.InvalidRequest { }
        }
        for text in ["abc", "1e3", "NaN", ""] {
            XCTAssertThrowsError(try parseAmount(text: text))
        }
        XCTAssertEqual((try sim.journal()["requests"] as! [Any]).count, 0)
    }

    func testStringFormsNeverShowSecrets() throws {
        let config = ClientConfig(accessKey: Secret("AK-sw-live-1"), secretKey: Secret("SK-sw-live-2"),
                                  baseUrl: "http://127.0.0.1:1")
        let shown = "\(config) \(String(reflecting: config))"
        XCTAssertFalse(shown.contains("SK-sw-live-2") || shown.contains("AK-sw-live-1"), shown)
    }
}

/// Examples/AppRefund.swift against the simulator, which also plays the merchant's token backend.
final class ExampleTests: XCTestCase {
    func testTheAppExampleRefundsWithTokensFromTheBackendAndNoSecretKey() async throws {
        let sim = try Simulator()
        try sim.seed(#"{"transactions":[{"id":"EKSEX1","amount":"100"}]}"#)
        let endpoint = URL(string: "\(sim.url)/__mock/app-token")!
        let app = try appClient(accessKey: "ak_test", baseUrl: sim.url, backend: BackendTokenProvider(endpoint: endpoint) { "app-user-session" })
        guard case .done(let refund) = await refundFromApp(app, transactionId: "EKSEX1", amount: Decimal(string: "12.50")!) else {
            return XCTFail("the refund should be done")
        }
        XCTAssertEqual(refund.amount, Decimal(string: "12.50")!)
        let status = try await app.getTransaction(transactionId: "EKSEX1").status
        XCTAssertEqual(status, "PARTIALLY_REFUNDED")
        let stranger = try appClient(accessKey: "ak_test", baseUrl: sim.url, backend: BackendTokenProvider(endpoint: endpoint) { "" })
        guard case .refused(let message) = await refundFromApp(stranger, transactionId: "EKSEX1", amount: 1) else {
            return XCTFail("a stranger's refund is refused")
        }
        XCTAssertTrue(message.contains("401"), message)
    }
}
