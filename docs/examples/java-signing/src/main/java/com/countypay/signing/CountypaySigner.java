package com.countypay.signing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The countypay open API signing scheme (docs/signing.md) in plain Java 17: the canonical
 * request and response strings, SHA-256 / SM3 body digests, HMAC-SHA256 signatures with the
 * app secret, SM2-SM3 signatures (GB/T 32918, user id {@code 1234567812345678}, DER) with
 * BouncyCastle, and Standard Webhooks verification. No state: every method is static.
 */
public final class CountypaySigner {

    /** Values of {@code X-CP-Signature-Alg} this example implements. */
    public static final String HMAC_SHA256 = "HMAC-SHA256";
    public static final String SM2_SM3 = "SM2-SM3";

    /** The default SM2 user id of Z_A (GM/T 0009), which the platform uses. */
    public static final String SM2_USER_ID = "1234567812345678";

    private static final X9ECParameters SM2_CURVE = GMNamedCurves.getByName("sm2p256v1");
    private static final ECDomainParameters SM2_DOMAIN =
            new ECDomainParameters(SM2_CURVE.getCurve(), SM2_CURVE.getG(), SM2_CURVE.getN(), SM2_CURVE.getH());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private CountypaySigner() {}

    // ---- canonical strings (docs/signing.md §3 and §5) ---------------------------------------

    /**
     * The canonical request string: six lines, each ending in {@code \n}, the last included.
     *
     * @param path the path exactly as on the request line (still percent-encoded), without the query
     * @param rawQuery the query exactly as sent, without the {@code ?}; empty or null for none
     * @param bodyDigestHex {@link #bodyDigest} of the raw body bytes
     */
    public static String canonicalRequest(String method, String path, String rawQuery, long timestamp, String nonce, String bodyDigestHex) {
        return method.toUpperCase(java.util.Locale.ROOT) + "\n"
                + path + "\n"
                + canonicalQuery(rawQuery) + "\n"
                + timestamp + "\n"
                + nonce + "\n"
                + bodyDigestHex + "\n";
    }

    /** The canonical response string: status, request id, timestamp, your request's nonce, body digest. */
    public static String canonicalResponse(int status, String requestId, String timestamp, String requestNonce, String bodyDigestHex) {
        return status + "\n" + requestId + "\n" + timestamp + "\n" + (requestNonce == null ? "" : requestNonce) + "\n" + bodyDigestHex + "\n";
    }

    /**
     * Canonical query: split on {@code &} (empty segments dropped), split each segment on its first
     * {@code =}, percent-decode key and value ({@code +} is a space), re-encode both with RFC 3986,
     * sort by key then value, join with {@code &}.
     */
    public static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        List<String[]> pairs = new ArrayList<>();
        for (String segment : rawQuery.split("&")) {
            if (segment.isEmpty()) continue;
            int eq = segment.indexOf('=');
            String key = eq < 0 ? segment : segment.substring(0, eq);
            String value = eq < 0 ? "" : segment.substring(eq + 1);
            // URLDecoder follows application/x-www-form-urlencoded: '+' is a space, as the spec says
            pairs.add(new String[] {
                rfc3986Encode(URLDecoder.decode(key, StandardCharsets.UTF_8)),
                rfc3986Encode(URLDecoder.decode(value, StandardCharsets.UTF_8)),
            });
        }
        // encoded strings are ASCII, so String order is byte order
        pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        StringBuilder out = new StringBuilder();
        for (String[] p : pairs) {
            if (out.length() > 0) out.append('&');
            out.append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    /**
     * RFC 3986 percent-encoding of the UTF-8 bytes: everything but {@code A-Z a-z 0-9 - . _ ~},
     * upper-case hex. (Not {@code URLEncoder}: it writes a space as {@code +} and keeps {@code *}.)
     */
    public static String rfc3986Encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) out.append((char) c);
            else out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
        return out.toString();
    }

    // ---- digests -------------------------------------------------------------------------------

    /** Lower-case hex digest of the raw body: SM3 for SM2-SM3, SHA-256 otherwise (an empty array when there is no body). */
    public static String bodyDigest(String alg, byte[] body) {
        return SM2_SM3.equals(alg) ? sm3Hex(body) : sha256Hex(body);
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sm3Hex(byte[] data) {
        SM3Digest sm3 = new SM3Digest();
        sm3.update(data, 0, data.length);
        byte[] out = new byte[sm3.getDigestSize()];
        sm3.doFinal(out, 0);
        return HEX.formatHex(out);
    }

    // ---- HMAC-SHA256 -----------------------------------------------------------------------------

    /** Base64 HMAC-SHA256 of the canonical string; the key is the app secret exactly as issued, as UTF-8 (not base64-decoded). */
    public static String hmacSha256(String appSecret, String canonical) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks an HMAC-SHA256 signature (a response's, for HMAC apps) in constant time. */
    public static boolean verifyHmacSha256(String appSecret, String canonical, String signatureBase64) {
        byte[] expected = Base64.getDecoder().decode(hmacSha256(appSecret, canonical));
        byte[] received;
        try {
            received = Base64.getDecoder().decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, received);
    }

    // ---- SM2-SM3 -----------------------------------------------------------------------------------

    /** Base64 of the DER SM2 signature (SM3 over Z_A || M, user id 1234567812345678). Randomised: every call differs. */
    public static String sm2Sign(String privateKeyHex, String canonical) {
        ECPrivateKeyParameters key = new ECPrivateKeyParameters(new BigInteger(privateKeyHex, 16), SM2_DOMAIN);
        SM2Signer signer = new SM2Signer(new SM3Digest()); // DER (StandardDSAEncoding) is the default
        signer.init(true, new ParametersWithID(new ParametersWithRandom(key, RANDOM), SM2_USER_ID.getBytes(StandardCharsets.US_ASCII)));
        byte[] message = canonical.getBytes(StandardCharsets.UTF_8);
        signer.update(message, 0, message.length);
        try {
            return Base64.getEncoder().encodeToString(signer.generateSignature());
        } catch (CryptoException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verifies a base64 DER SM2 signature with an uncompressed public key ({@code 04} + 128 hex digits). */
    public static boolean sm2Verify(String publicKeyHex, String canonical, String signatureBase64) {
        try {
            ECPoint q = SM2_CURVE.getCurve().decodePoint(HEX.parseHex(publicKeyHex));
            SM2Signer signer = new SM2Signer(new SM3Digest());
            signer.init(false, new ParametersWithID(new ECPublicKeyParameters(q, SM2_DOMAIN), SM2_USER_ID.getBytes(StandardCharsets.US_ASCII)));
            byte[] message = canonical.getBytes(StandardCharsets.UTF_8);
            signer.update(message, 0, message.length);
            return signer.verifySignature(Base64.getDecoder().decode(signatureBase64));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The public key ({@code 04} + 128 lower-case hex digits) of a private key (64 hex digits): what you register. */
    public static String sm2PublicKey(String privateKeyHex) {
        ECPoint q = SM2_CURVE.getG().multiply(new BigInteger(privateKeyHex, 16)).normalize();
        return HEX.formatHex(q.getEncoded(false));
    }

    // ---- a signed request ----------------------------------------------------------------------------

    /** A fresh {@code X-CP-Nonce}: 16 random bytes, base64url without padding (22 characters). */
    public static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The five {@code X-CP-*} headers of one request, signed now with a fresh nonce.
     *
     * @param key the app secret (HMAC-SHA256) or the SM2 private key in hex (SM2-SM3)
     * @param body the exact bytes you will send; an empty array when there is no body
     */
    public static Map<String, String> signedHeaders(String alg, String appId, String key, String method, String path, String rawQuery, byte[] body) {
        long timestamp = System.currentTimeMillis() / 1000; // seconds, not milliseconds
        String nonce = newNonce();
        String canonical = canonicalRequest(method, path, rawQuery, timestamp, nonce, bodyDigest(alg, body));
        String signature = switch (alg) {
            case HMAC_SHA256 -> hmacSha256(key, canonical);
            case SM2_SM3 -> sm2Sign(key, canonical);
            default -> throw new IllegalArgumentException("unsupported algorithm " + alg);
        };
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-CP-App-Id", appId);
        headers.put("X-CP-Timestamp", Long.toString(timestamp));
        headers.put("X-CP-Nonce", nonce);
        headers.put("X-CP-Signature-Alg", alg);
        headers.put("X-CP-Signature", signature);
        return headers;
    }

    // ---- webhooks (Standard Webhooks, docs/signing.md §9) ---------------------------------------------

    /** The {@code webhook-signature} value {@code v1,<base64>} for a delivery; the key is the base64-decoded part of {@code whsec_…}. */
    public static String webhookSignature(String webhookSecret, String webhookId, String webhookTimestamp, byte[] rawBody) {
        if (!webhookSecret.startsWith("whsec_")) throw new IllegalArgumentException("a webhook secret starts with whsec_");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(webhookSecret.substring(6)), "HmacSHA256"));
            ByteArrayOutputStream signed = new ByteArrayOutputStream();
            signed.writeBytes((webhookId + "." + webhookTimestamp + ".").getBytes(StandardCharsets.UTF_8));
            signed.writeBytes(rawBody);
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when a webhook is authentic: one of the space-separated {@code v1,} signatures matches
     * (constant-time) and the timestamp is within 5 minutes of {@code nowSeconds}. Verify the raw
     * body bytes before parsing JSON; de-duplicate on {@code webhook-id}.
     */
    public static boolean verifyWebhook(String webhookSecret, String webhookId, String webhookTimestamp, String webhookSignatureHeader, byte[] rawBody, long nowSeconds) {
        long timestamp;
        try {
            timestamp = Long.parseLong(webhookTimestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowSeconds - timestamp) > 300) return false;
        byte[] expected = webhookSignature(webhookSecret, webhookId, webhookTimestamp, rawBody).getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (String candidate : webhookSignatureHeader.split(" ")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) matched = true;
        }
        return matched;
    }
}
