// keccak-256: Keccak-f[1600] with rate 136 bytes, capacity 512 bits, padding 0x01 … 0x80 (FIPS 202's
// permutation with the pre-standard padding). Lanes are little-endian 64-bit words, as the spec lays
// them out; the tests compare it with @noble/hashes on vectors and random inputs of every length.
#include "keccak.h"

#include <cstring>

namespace hotpot {
namespace {

constexpr size_t kRate = 136;

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

// ρ offsets and π destinations, walking the lanes in the order π visits them starting from lane 1.
constexpr int kRho[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kPi[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

inline uint64_t Rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

void Permute(uint64_t a[25]) {
  uint64_t c[5];
  for (int round = 0; round < 24; round++) {
    // θ
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) {
      const uint64_t d = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
    }
    // ρ and π
    uint64_t carry = a[1];
    for (int i = 0; i < 24; i++) {
      const int j = kPi[i];
      const uint64_t t = a[j];
      a[j] = Rotl(carry, kRho[i]);
      carry = t;
    }
    // χ
    for (int y = 0; y < 25; y += 5) {
      for (int x = 0; x < 5; x++) c[x] = a[y + x];
      for (int x = 0; x < 5; x++) a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
    }
    // ι
    a[0] ^= kRoundConstants[round];
  }
}

inline void XorByte(uint64_t* state, size_t pos, uint8_t b) {
  state[pos >> 3] ^= static_cast<uint64_t>(b) << (8 * (pos & 7));
}

}  // namespace

Keccak256::Keccak256() : fill(0) { std::memset(state, 0, sizeof state); }

void Keccak256::Update(const uint8_t* data, size_t len) {
  // Byte-wise up to a lane boundary, then whole little-endian lanes, then the tail.
  while (len > 0) {
    if ((fill & 7) == 0 && len >= 8) {
      while (len >= 8 && fill < kRate) {
        uint64_t lane = 0;
        for (int k = 7; k >= 0; k--) lane = (lane << 8) | data[k];
        state[fill >> 3] ^= lane;
        fill += 8;
        data += 8;
        len -= 8;
      }
    } else {
      XorByte(state, fill++, *data++);
      len--;
    }
    if (fill == kRate) {
      Permute(state);
      fill = 0;
    }
  }
}

void Keccak256::Final(uint8_t out[32]) {
  XorByte(state, fill, 0x01);
  XorByte(state, kRate - 1, 0x80);
  Permute(state);
  for (int i = 0; i < 32; i++) out[i] = static_cast<uint8_t>(state[i >> 3] >> (8 * (i & 7)));
}

}  // namespace hotpot
