// An app's refund screen, as in a merchant's iOS app: the app never holds the secret key. Its
// tokens come from the merchant's own backend (bindings-python/examples/token_backend.py is one),
// which the app calls with the signed-in user's session; the SDK caches the token and asks again
// before it expires or after the gateway rejects it.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Enkash)
import Enkash
#endif

/// Asks the merchant's backend (`POST endpoint`, `Authorization: Bearer <session>`) for a token.
final class BackendTokenProvider: TokenProvider, @unchecked Sendable {
    let endpoint: URL
    let session: @Sendable () -> String

    init(endpoint: URL, session: @escaping @Sendable () -> String) {
        self.endpoint = endpoint
        self.session = session
    }

    func fetchToken() async throws -> IssuedToken {
        var request = URLRequest(url: endpoint, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("Bearer \(session())", forHTTPHeaderField: "Authorization")
        let (data, response) = try await Self.send(request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, status == 200 else {
            throw TokenProviderError.Failed(reason: "the backend answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        guard let body = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let token = body["token"] as? String else {
            throw TokenProviderError.Failed(reason: "the backend's answer has no token")
        }
        return IssuedToken(token: SecretValue(token), expiresAtMs: (body["expiresAtMs"] as? NSNumber)?.int64Value, expiresAt: nil)
    }

    /// `URLSession.data(for:)`, also where (Linux) only the callback form exists.
    private static func send(_ request: URLRequest) async throws -> (Data, URLResponse) {
        do {
            return try await withCheckedThrowingContinuation { done in
                URLSession.shared.dataTask(with: request) { data, response, error in
                    if let error { done.resume(throwing: error) } else { done.resume(returning: (data ?? Data(), response!)) }
                }.resume()
            }
        } catch {
            throw TokenProviderError.Failed(reason: "the backend is unreachable: \(error.localizedDescription)")
        }
    }
}

/// What the refund screen shows.
enum RefundResult {
    case done(Refund)
    /// Not known yet: keep the request id and look the refund up later (never refund again blindly).
    case unknown(requestId: String)
    case refused(String)
}

/// One client per app (it owns the connection pool and the token cache).
func appClient(accessKey: String, baseUrl: String?, backend: TokenProvider) throws -> EnkashClient {
    try EnkashClient.withTokenProvider(config: ClientConfig(accessKey: Secret(accessKey), baseUrl: baseUrl), provider: backend)
}

func refundFromApp(_ client: EnkashClient, transactionId: String, amount: Decimal) async -> RefundResult {
    let requestId = newRequestId() // persist it with the order before calling
    do {
        return .done(try await client.refund(transactionId: transactionId, amount: amount, requestId: requestId,
                                             remarks: "refund from the app", reconcileFirst: false))
    } catch EnkashError.OutcomeUnknown(let info) {
        return .unknown(requestId: info.requestId ?? requestId)
    } catch let e as EnkashError {
        return .refused(e.info.message)
    } catch {
        return .refused("\(error)")
    }
}
