// Copyright 2026 The Haywire Authors.
//
// What one message authentication code costs here, for the two message
// sizes an authenticated channel tags: a PING's fields (48 bytes) and a
// full response page (4096). Candidates from the two libraries Debian
// ships with static archives, libsodium and OpenSSL's libcrypto: keyed
// hashes and PRFs (HMAC-SHA-256, HMAC-SHA-512/256, keyed BLAKE2b,
// SipHash-2-4 with 64- and 128-bit outputs) and AEADs used for their tag alone (AES-128-GCM and
// ChaCha20-Poly1305 with the message as associated data). Each is timed
// over many calls, in 15 batches; the median batch is reported. A round
// trip on an authenticated channel computes four tags (tag and check, each
// way), all on its critical path (docs/PERFORMANCE.md, "Choosing the MAC").
//
//   bazel run -c opt //tools/bench:mac_cost -- [--json]

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gflags/gflags.h"

DEFINE_bool(json, false, "Print JSON instead of a table.");

namespace {

using Mac =
    std::function<void(const uint8_t* message, size_t bytes, uint8_t* tag)>;

// Median ns per call of `mac` over 15 batches.
double NsPerCall(const Mac& mac, size_t bytes) {
  std::vector<uint8_t> message(bytes, 0x5a);
  uint8_t tag[64];
  volatile uint8_t sink = 0;
  const int calls = bytes > 1024 ? 20000 : 200000;
  std::vector<double> batches;
  for (int batch = 0; batch < 15; ++batch) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) {
      message[0] = static_cast<uint8_t>(i);  // no two calls alike
      mac(message.data(), bytes, tag);
      sink = sink ^ tag[0];
    }
    const auto end = std::chrono::steady_clock::now();
    batches.push_back(
        std::chrono::duration<double, std::nano>(end - start).count() / calls);
  }
  std::sort(batches.begin(), batches.end());
  return batches[batches.size() / 2];
}

// An OpenSSL AEAD context keyed once, producing the tag of a message
// passed as associated data under a fresh counter nonce per call.
class AeadTag {
 public:
  AeadTag(const char* cipher, const uint8_t* key)
      : cipher_(EVP_CIPHER_fetch(nullptr, cipher, nullptr)),
        ctx_(EVP_CIPHER_CTX_new()) {
    EVP_EncryptInit_ex2(ctx_, cipher_, key, nullptr, nullptr);
  }
  ~AeadTag() {
    EVP_CIPHER_CTX_free(ctx_);
    EVP_CIPHER_free(cipher_);
  }
  void operator()(const uint8_t* message, size_t bytes, uint8_t* tag) {
    uint8_t nonce[12] = {};
    ++counter_;
    std::memcpy(nonce, &counter_, sizeof(counter_));
    int out = 0;
    EVP_EncryptInit_ex2(ctx_, nullptr, nullptr, nonce, nullptr);
    EVP_EncryptUpdate(ctx_, nullptr, &out, message, static_cast<int>(bytes));
    EVP_EncryptFinal_ex(ctx_, tag, &out);
    EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, 16, tag);
  }

 private:
  EVP_CIPHER* cipher_;
  EVP_CIPHER_CTX* ctx_;
  uint64_t counter_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  if (sodium_init() < 0) return 1;
  uint8_t key[32];
  randombytes_buf(key, sizeof(key));

  crypto_auth_hmacsha256_state hmac256;
  crypto_auth_hmacsha256_init(&hmac256, key, sizeof(key));
  crypto_auth_hmacsha512256_state hmac512;
  crypto_auth_hmacsha512256_init(&hmac512, key, sizeof(key));
  EVP_MAC* openssl_hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* openssl_hmac_ctx = EVP_MAC_CTX_new(openssl_hmac);
  char digest[] = "SHA256";
  const OSSL_PARAM hmac_params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  EVP_MAC_init(openssl_hmac_ctx, key, sizeof(key), hmac_params);
  AeadTag gcm("AES-128-GCM", key);
  AeadTag chacha("ChaCha20-Poly1305", key);
  uint64_t counter = 0;

  const std::vector<std::pair<std::string, Mac>> candidates = {
      {"sodium SipHash-2-4-64 (chosen)",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         crypto_shorthash_siphash24(t, m, n, key);
       }},
      {"sodium SipHash-2-4-128",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         crypto_shorthash_siphashx24(t, m, n, key);
       }},
      {"sodium HMAC-SHA-256 (keyed state copied)",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         crypto_auth_hmacsha256_state s = hmac256;
         crypto_auth_hmacsha256_update(&s, m, n);
         crypto_auth_hmacsha256_final(&s, t);
       }},
      {"sodium HMAC-SHA-512/256 (keyed state copied)",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         crypto_auth_hmacsha512256_state s = hmac512;
         crypto_auth_hmacsha512256_update(&s, m, n);
         crypto_auth_hmacsha512256_final(&s, t);
       }},
      {"sodium BLAKE2b keyed, 16-byte tag",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         crypto_generichash(t, 16, m, n, key, sizeof(key));
       }},
      {"sodium ChaCha20-Poly1305 (IETF), message as AD",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         uint8_t nonce[12] = {};
         ++counter;
         std::memcpy(nonce, &counter, sizeof(counter));
         unsigned long long tag_bytes = 0;
         uint8_t no_ciphertext[1] = {};  // an empty message: only the tag
         crypto_aead_chacha20poly1305_ietf_encrypt_detached(
             no_ciphertext, t, &tag_bytes, no_ciphertext, 0, m, n, nullptr,
             nonce, key);
       }},
      {"OpenSSL HMAC-SHA-256 (EVP_MAC, re-initialised)",
       [&](const uint8_t* m, size_t n, uint8_t* t) {
         size_t out = 0;
         EVP_MAC_init(openssl_hmac_ctx, nullptr, 0, nullptr);
         EVP_MAC_update(openssl_hmac_ctx, m, n);
         EVP_MAC_final(openssl_hmac_ctx, t, &out, 64);
       }},
      {"OpenSSL AES-128-GCM, message as AD",
       [&](const uint8_t* m, size_t n, uint8_t* t) { gcm(m, n, t); }},
      {"OpenSSL ChaCha20-Poly1305, message as AD",
       [&](const uint8_t* m, size_t n, uint8_t* t) { chacha(m, n, t); }},
  };
  std::string json = "{\"mac_ns\": [";
  if (!FLAGS_json) std::printf("%-48s %10s %10s\n", "MAC", "48 B", "4096 B");
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& [name, mac] = candidates[i];
    const double small = NsPerCall(mac, 48);
    const double page = NsPerCall(mac, 4096);
    if (FLAGS_json) {
      json += absl::StrFormat(
          "%s{\"name\": \"%s\", \"ns_48\": %.1f, \"ns_4096\": %.1f}",
          i == 0 ? "" : ", ", name, small, page);
    } else {
      std::printf("%-48s %8.1f ns %8.1f ns\n", name.c_str(), small, page);
    }
  }
  if (FLAGS_json) std::printf("%s]}\n", json.c_str());
  EVP_MAC_CTX_free(openssl_hmac_ctx);
  EVP_MAC_free(openssl_hmac);
  return 0;
}
