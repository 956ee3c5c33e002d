// keccak-256 (the original Keccak padding 0x01, as Ethereum uses; not SHA3-256's 0x06), streaming.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hotpot {

struct Keccak256 {
  uint64_t state[25];
  size_t fill;  // bytes absorbed into the current block
  Keccak256();
  void Update(const uint8_t* data, size_t len);
  void Final(uint8_t out[32]);
};

}  // namespace hotpot
