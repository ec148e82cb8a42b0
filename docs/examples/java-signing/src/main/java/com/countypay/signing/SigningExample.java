package com.countypay.signing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the signing scheme of docs/signing.md.
 *
 * <pre>
 * java -jar target/countypay-signing-example.jar
 *     reproduces the worked examples of docs/signing.md (§6 HMAC-SHA256 request and response,
 *     §7 SM2-SM3, §9 webhook) and prints every intermediate value under the doc's own labels
 * java -jar target/countypay-signing-example.jar --call &lt;baseUrl&gt; &lt;appId&gt; &lt;appSecret&gt;
 *     a live signed GET /v1/merchants?limit=1 with an HMAC-SHA256 app; prints the HTTP status,
 *     whether the response signature verifies, and the body
 * </pre>
 */
public final class SigningExample {

    private SigningExample() {}

    public static void main(String[] args) throws Exception {
        // UTF-8 whatever the platform's default (answers carry Chinese names)
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        if (args.length == 0) {
            workedExample();
        } else if (args.length == 4 && args[0].equals("--call")) {
            System.exit(liveCall(args[1], args[2], args[3]));
        } else {
            System.err.println("usage: java -jar countypay-signing-example.jar [--call <baseUrl> <appId> <appSecret>]");
            System.exit(2);
        }
    }

    // ---- the worked examples: inputs exactly as in docs/signing.md -----------------------------

    private static final String APP_SECRET = "Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g";
    private static final String METHOD = "POST";
    private static final String PATH = "/v1/payments/qr-orders";
    private static final String RAW_QUERY = "tag=b&memo=%E5%86%9C%E4%BF%A1%E7%A4%BE+county&tag=a&merchant_id=mch_001";
    private static final long TIMESTAMP = 1767225600L;
    private static final String NONCE = "n8Yk2QpL5vR7tZ1xWc3dFg";
    /** 84 bytes of UTF-8 ("测试订单" is 12 of them), no trailing newline. */
    private static final String BODY = "{\"amount\":1000,\"currency\":\"CNY\",\"merchantId\":\"mch_001\",\"description\":\"测试订单\"}";

    private static final String RESPONSE_BODY = "{\"id\":\"qro_001\",\"status\":\"CREATED\"}";
    private static final int RESPONSE_STATUS = 201;
    private static final String REQUEST_ID = "req_01JGZ5Q8T4K2M7N3P6R9S1V0WX";
    private static final String RESPONSE_TIMESTAMP = "1767225601";

    /** The doc's SM2 test key pair: never use it outside tests. */
    private static final String SM2_PRIVATE_KEY = "febc63a35a100ee61da6729cc9c666479d3055fc08f6285e5c7bbf561b4aa0e9";
    private static final String SM2_PUBLIC_KEY =
            "04762438fbd421628487594ca651a813da9663cedefcf55a6d8621ab5b5233b461cb29bfd874ff349b784ab885ffce3df8f4840dfcae0ed5aa8a676fd8f414beff";
    private static final String SAMPLE_SM2_SIGNATURE = "MEUCIQDFq4Wij7J0nszP2/HB7nfdRarlz6NhI1sNk/5cmrKa1AIgInq36arPbveAP4UzZqeg01U+2wqF4dRy9xh9WvnG0cc=";

    private static final String WEBHOOK_SECRET = "whsec_Y291bnR5cGF5LWRvY3MtZXhhbXBsZS13ZWJob29rLWtleSE=";
    private static final String WEBHOOK_ID = "msg_2xYz7Qe9LkP4";
    private static final String WEBHOOK_TIMESTAMP = "1767225660";
    private static final String WEBHOOK_BODY = "{\"type\":\"payment.succeeded\",\"data\":{\"id\":\"pay_001\",\"amount\":1000}}";

    private static void workedExample() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);

        System.out.println("# docs/signing.md §6: HMAC-SHA256 request");
        print("Canonical query", CountypaySigner.canonicalQuery(RAW_QUERY));
        String sha256 = CountypaySigner.bodyDigest(CountypaySigner.HMAC_SHA256, body);
        print("Body digest (SHA-256)", sha256);
        String canonical = CountypaySigner.canonicalRequest(METHOD, PATH, RAW_QUERY, TIMESTAMP, NONCE, sha256);
        print("canonical", json(canonical));
        print("Signature", CountypaySigner.hmacSha256(APP_SECRET, canonical));

        System.out.println("# docs/signing.md §6: the signed response");
        String responseDigest = CountypaySigner.sha256Hex(RESPONSE_BODY.getBytes(StandardCharsets.UTF_8));
        print("Response body digest (SHA-256)", responseDigest);
        String responseCanonical = CountypaySigner.canonicalResponse(RESPONSE_STATUS, REQUEST_ID, RESPONSE_TIMESTAMP, NONCE, responseDigest);
        print("response-canonical", json(responseCanonical));
        print("Response signature", CountypaySigner.hmacSha256(APP_SECRET, responseCanonical));

        System.out.println("# docs/signing.md §7: SM2-SM3 (randomised: a fresh signature differs every run)");
        print("SM2 public key", CountypaySigner.sm2PublicKey(SM2_PRIVATE_KEY));
        String sm3 = CountypaySigner.bodyDigest(CountypaySigner.SM2_SM3, body);
        print("Body digest (SM3)", sm3);
        String sm2Canonical = CountypaySigner.canonicalRequest(METHOD, PATH, RAW_QUERY, TIMESTAMP, NONCE, sm3);
        print("sm2-canonical", json(sm2Canonical));
        print("Sample SM2 signature verifies", String.valueOf(CountypaySigner.sm2Verify(SM2_PUBLIC_KEY, sm2Canonical, SAMPLE_SM2_SIGNATURE)));
        String fresh = CountypaySigner.sm2Sign(SM2_PRIVATE_KEY, sm2Canonical);
        print("Fresh SM2 signature", fresh);
        print("Fresh SM2 signature verifies", String.valueOf(CountypaySigner.sm2Verify(SM2_PUBLIC_KEY, sm2Canonical, fresh)));

        System.out.println("# docs/signing.md §9: webhook");
        byte[] webhookBody = WEBHOOK_BODY.getBytes(StandardCharsets.UTF_8);
        String webhookSignature = CountypaySigner.webhookSignature(WEBHOOK_SECRET, WEBHOOK_ID, WEBHOOK_TIMESTAMP, webhookBody);
        print("webhook-signature", webhookSignature);
        long receivedAt = Long.parseLong(WEBHOOK_TIMESTAMP) + 60;
        print("Webhook verifies", String.valueOf(CountypaySigner.verifyWebhook(WEBHOOK_SECRET, WEBHOOK_ID, WEBHOOK_TIMESTAMP, webhookSignature, webhookBody, receivedAt)));
    }

    // ---- a live call ------------------------------------------------------------------------------

    private static int liveCall(String baseUrl, String appId, String appSecret) throws Exception {
        String base = baseUrl.replaceAll("/+$", "");
        String path = URI.create(base).getRawPath() + "/v1/merchants"; // a path prefix of the base URL is signed too
        String query = "limit=1";
        byte[] noBody = new byte[0];
        Map<String, String> signed = CountypaySigner.signedHeaders(CountypaySigner.HMAC_SHA256, appId, appSecret, "GET", path, query, noBody);

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/merchants?" + query))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .GET();
        signed.forEach(request::header);
        // HTTP/1.1: the JDK client would otherwise offer an h2c upgrade on http:// URLs
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());

        // the platform signs every answer: for an HMAC app with the same secret, over status,
        // request id, timestamp, your nonce and the raw body's digest (docs/signing.md §5)
        String requestId = response.headers().firstValue("X-CP-Request-Id").orElse("");
        String timestamp = response.headers().firstValue("X-CP-Timestamp").orElse("0");
        String signature = response.headers().firstValue("X-CP-Signature").orElse("");
        String responseCanonical = CountypaySigner.canonicalResponse(response.statusCode(), requestId, timestamp, signed.get("X-CP-Nonce"),
                CountypaySigner.sha256Hex(response.body()));
        boolean inWindow = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) <= 300;
        boolean verified = inWindow && CountypaySigner.verifyHmacSha256(appSecret, responseCanonical, signature);

        print("HTTP", String.valueOf(response.statusCode()));
        print("X-CP-Request-Id", requestId);
        print("Response signature verifies", String.valueOf(verified));
        print("Body", new String(response.body(), StandardCharsets.UTF_8));
        return response.statusCode() / 100 == 2 && verified ? 0 : 1;
    }

    // ---- output --------------------------------------------------------------------------------------

    private static void print(String label, String value) {
        System.out.println(label + ": " + value);
    }

    /** A JSON string literal (docs/signing.md shows canonical strings that way, with their \n). */
    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
