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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PEM files as OTP's {@code ssl} reads them ({@code certfile}, {@code keyfile},
 * {@code cacertfile}, {@code password}), with the JDK alone: X.509 certificates, and private
 * keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1
 * ({@code EC PRIVATE KEY}) form. The last two are rewrapped as PKCS#8, which is all the
 * JDK's key factories read.
 *
 * <p>Encrypted keys, given the password: PKCS#8 {@code ENCRYPTED PRIVATE KEY} with any
 * scheme the JDK implements (PBES2 with PBKDF2 and AES, as OpenSSL 3 writes by default, and
 * the PKCS#12 PBES1 schemes), and OpenSSL's traditional form ({@code Proc-Type: 4,ENCRYPTED}
 * with {@code DEK-Info}) for AES-128/192/256-CBC and DES-EDE3-CBC, whose key OpenSSL derives
 * with {@code EVP_BytesToKey} (MD5, one round, the IV's first 8 bytes as salt).
 *
 * <p>Errors name the file and what was expected, never a key's bytes or the password.
 */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*((?:[A-Za-z-]+: *[^\\r\\n]*\\r?\\n)*)([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final Pattern HEADER = Pattern.compile("([A-Za-z-]+): *([^\\r\\n]*)");
    /** Key algorithms tried, in order, on a PKCS#8 key. */
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private Pem() {
    }

    /**
     * One decoded block: its label ({@code CERTIFICATE}, ...), its RFC 1421 headers
     * ({@code Proc-Type}, {@code DEK-Info}; usually none) and DER bytes.
     */
    record Block(String label, Map<String, String> headers, byte[] der) {
    }

    static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            Map<String, String> headers = new HashMap<>();
            Matcher h = HEADER.matcher(m.group(2));
            while (h.find()) {
                headers.put(h.group(1), h.group(2).strip());
            }
            try {
                out.add(new Block(m.group(1), headers, Base64.getMimeDecoder().decode(m.group(3))));
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

    /**
     * The first private key in {@code file}, decrypted with {@code password} when it is
     * encrypted ({@code password} may be null for an unencrypted key, and is not used then).
     */
    static PrivateKey privateKey(Path file, char[] password) throws IOException {
        for (Block b : blocks(file)) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(file, sequence(integerZero(), RSA_ALGORITHM, tlv(0x04, traditional(file, b, password))));
                case "EC PRIVATE KEY":
                    byte[] sec1 = traditional(file, b, password);
                    byte[] curve = sec1Curve(file, sec1);
                    return pkcs8(file, sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, curve), tlv(0x04, sec1)));
                case "ENCRYPTED PRIVATE KEY":
                    return pkcs8(file, decryptPkcs8(file, b.der(), requirePassword(file, password)));
                default:
                    break;
            }
        }
        throw new IOException(file + ": private key: none (expected: PEM PRIVATE KEY, ENCRYPTED PRIVATE KEY, "
                + "RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static char[] requirePassword(Path file, char[] password) throws IOException {
        if (password == null) {
            throw new IOException(file + ": private key: encrypted (expected: its password, "
                    + "TlsOptions.withKeyPassword or jarl --tls-key-password-file)");
        }
        return password;
    }

    /** A PKCS#8 EncryptedPrivateKeyInfo, decrypted: the PKCS#8 PrivateKeyInfo inside. */
    private static byte[] decryptPkcs8(Path file, byte[] der, char[] password) throws IOException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        // JDK 21+ names PBES2 by its parts ("PBEWithHmacSHA256AndAES_256"); older ones said "PBES2"
        String algorithm = info.getAlgName();
        if ((algorithm.equals("PBES2") || Character.isDigit(algorithm.charAt(0))) && info.getAlgParameters() != null) {
            algorithm = info.getAlgParameters().toString();
        }
        Cipher cipher;
        try {
            // PBES2 keys come from the JDK's PBKDF2 (the password as UTF-8, as OpenSSL hashes it);
            // the PKCS#12 schemes take the password as characters (BMPString), which the JDK's
            // key factory would cut to 7 bits each, so they get it as a PBEKey of characters
            SecretKey key = algorithm.startsWith("PBEWithHmac")
                    ? SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password))
                    : new PasswordKey(password.clone(), algorithm);
            cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": encrypted private key: scheme " + algorithm
                    + " (expected: one this JDK implements, such as PBES2 with AES)", e);
        }
        try {
            return info.getKeySpec(cipher).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": encrypted private key: cannot decrypt (wrong password?)", e);
        }
    }

    /** A password as a key for the PBES1 ciphers: its characters, and its UTF-8 bytes as the encoding. */
    private record PasswordKey(char[] password, String algorithm) implements javax.crypto.interfaces.PBEKey {
        private static final long serialVersionUID = 1L;

        @Override
        public char[] getPassword() {
            return password.clone();
        }

        @Override
        public byte[] getSalt() {
            return null;
        }

        @Override
        public int getIterationCount() {
            return 0;
        }

        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return new String(password).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The DER of a traditional OpenSSL key block: as it is, or decrypted when its headers say
     * {@code Proc-Type: 4,ENCRYPTED}.
     */
    private static byte[] traditional(Path file, Block b, char[] password) throws IOException {
        String procType = b.headers().get("Proc-Type");
        if (procType == null || !procType.replace(" ", "").equals("4,ENCRYPTED")) {
            return b.der();
        }
        requirePassword(file, password);
        String dek = b.headers().getOrDefault("DEK-Info", "");
        int comma = dek.indexOf(',');
        String name = comma < 0 ? dek : dek.substring(0, comma).strip();
        byte[] iv;
        try {
            iv = hex(comma < 0 ? "" : dek.substring(comma + 1).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + b.label() + " DEK-Info: IV not hexadecimal", e);
        }
        record Scheme(String cipher, String keyAlgorithm, int keyBytes, int ivBytes) {
        }
        Scheme scheme = switch (name) {
            case "AES-128-CBC" -> new Scheme("AES/CBC/PKCS5Padding", "AES", 16, 16);
            case "AES-192-CBC" -> new Scheme("AES/CBC/PKCS5Padding", "AES", 24, 16);
            case "AES-256-CBC" -> new Scheme("AES/CBC/PKCS5Padding", "AES", 32, 16);
            case "DES-EDE3-CBC" -> new Scheme("DESede/CBC/PKCS5Padding", "DESede", 24, 8);
            default -> throw new IOException(file + ": " + b.label() + " DEK-Info: cipher '" + name
                    + "' (expected: AES-128-CBC, AES-192-CBC, AES-256-CBC or DES-EDE3-CBC)");
        };
        if (iv.length != scheme.ivBytes()) {
            throw new IOException(file + ": " + b.label() + " DEK-Info: IV of " + iv.length + " bytes (expected: "
                    + scheme.ivBytes() + " for " + name + ")");
        }
        byte[] key = bytesToKey(password, Arrays.copyOf(iv, 8), scheme.keyBytes());
        try {
            Cipher cipher = Cipher.getInstance(scheme.cipher());
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, scheme.keyAlgorithm()), new IvParameterSpec(iv));
            return cipher.doFinal(b.der());
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new IOException(file + ": " + b.label() + ": cannot decrypt (wrong password?)", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + b.label() + ": " + name + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** OpenSSL's {@code EVP_BytesToKey} with MD5 and one round: D_i = MD5(D_{i-1} || password || salt). */
    private static byte[] bytesToKey(char[] password, byte[] salt, int length) {
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] pass = new byte[encoded.remaining()];
        encoded.get(pass);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] key = new byte[length];
            byte[] previous = new byte[0];
            for (int filled = 0; filled < length; ) {
                md5.update(previous);
                md5.update(pass);
                md5.update(salt);
                previous = md5.digest();
                int n = Math.min(previous.length, length - filled);
                System.arraycopy(previous, 0, key, filled, n);
                filled += n;
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        } finally {
            Arrays.fill(pass, (byte) 0);
        }
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
        if (der.length == 0 || der[0] != 0x30) {
            throw new IOException(file + ": EC private key: not a DER sequence (expected: SEC 1 ECPrivateKey; "
                    + "a wrong password?)");
        }
        int[] seq = header(der, 0);
        int at = seq[0];
        int end = seq[0] + seq[1];
        while (at < end) {
            int tag = der[at] & 0xFF;
            int[] h = header(der, at);
            if (tag == 0xA0) {
                int[] oid = header(der, h[0]);
                return Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
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
