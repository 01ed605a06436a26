/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as OTP's {@code ssl} reads them ({@code certfile}, {@code keyfile},
 * {@code cacertfile}), with the JDK alone: X.509 certificates, and unencrypted private keys
 * in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1
 * ({@code EC PRIVATE KEY}) form. The last two are rewrapped as PKCS#8, which is all the
 * JDK's key factories read.
 *
 * <p>Errors name the file and what was expected, never a key's bytes.
 */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** Key algorithms tried, in order, on a PKCS#8 key. */
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private Pem() {
    }

    /** One decoded block: its label ({@code CERTIFICATE}, ...) and DER bytes. */
    record Block(String label, byte[] der) {
    }

    static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": PEM block " + m.group(1) + ": bad base64", e);
            }
        }
        return out;
    }

    /** Every certificate in {@code file}, in order (a chain starts with the node's own). */
    static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": certificates: none (expected: PEM blocks BEGIN CERTIFICATE)");
        }
        return out;
    }

    /** The first private key in {@code file}. */
    static PrivateKey privateKey(Path file) throws IOException {
        for (Block b : blocks(file)) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(file, sequence(integerZero(), RSA_ALGORITHM, tlv(0x04, b.der())));
                case "EC PRIVATE KEY":
                    byte[] curve = sec1Curve(file, b.der());
                    return pkcs8(file, sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, curve), tlv(0x04, b.der())));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException(file + ": private key: encrypted (expected: an unencrypted PEM key)");
                default:
                    break;
            }
        }
        throw new IOException(file + ": private key: none (expected: PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new IOException(file + ": private key: unreadable (expected: one of " + ALGORITHMS + ")");
    }

    /** The named-curve OID (whole TLV) in a SEC 1 {@code ECPrivateKey}'s {@code [0]} parameters. */
    private static byte[] sec1Curve(Path file, byte[] der) throws IOException {
        int[] seq = header(der, 0);
        int at = seq[0];
        int end = seq[0] + seq[1];
        while (at < end) {
            int tag = der[at] & 0xFF;
            int[] h = header(der, at);
            if (tag == 0xA0) {
                int[] oid = header(der, h[0]);
                return java.util.Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
            }
            at = h[0] + h[1];
        }
        throw new IOException(file + ": EC private key: no named curve (expected: SEC 1 parameters [0])");
    }

    /** The content offset and length of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) throws IOException {
        if (at + 2 > der.length) {
            throw new IOException("DER: truncated at offset " + at);
        }
        int first = der[at + 1] & 0xFF;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int n = first & 0x7F;
        if (n > 3 || at + 2 + n > der.length) {
            throw new IOException("DER length: " + n + " bytes (expected: 1..3) at offset " + at);
        }
        int length = 0;
        for (int i = 0; i < n; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xFF);
        }
        if (at + 2 + n + length > der.length) {
            throw new IOException("DER length: " + length + " (expected: at most " + (der.length - at - 2 - n) + ") at offset " + at);
        }
        return new int[] {at + 2 + n, length};
    }

    private static byte[] integerZero() {
        return new byte[] {0x02, 0x01, 0x00};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
