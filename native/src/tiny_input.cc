// The tiny face detector's input tensor, built from an rgb24 window: the one kernel here that writes
// floats. Every value is computed in IEEE doubles in the order native/fallback.ts computes it
// (no contraction: binding.gyp builds with -ffp-contract=off), then rounded once to float32, so
// both give the same bits.
#include <algorithm>
#include <vector>

#include "kernels.h"

namespace hotpot {

void TinyInputRgb24(const uint8_t* src, int w, int h, float* dst, int netW, int netH, int tw, int th,
                    const double mean[3]) {
  // black padding right of and below the scaled input (the rest is written below)
  const float pad[3] = {static_cast<float>(-mean[0] / 255), static_cast<float>(-mean[1] / 255),
                        static_cast<float>(-mean[2] / 255)};
  for (int y = 0; y < netH; y++) {
    float* o = dst + static_cast<size_t>(y) * netW * 3;
    for (int x = y < th ? tw : 0; x < netW; x++) {
      o[x * 3] = pad[0];
      o[x * 3 + 1] = pad[1];
      o[x * 3 + 2] = pad[2];
    }
  }
  if (tw == w && th == h) {
    for (int y = 0; y < h; y++) {
      const uint8_t* s = src + static_cast<size_t>(y) * w * 3;
      float* o = dst + static_cast<size_t>(y) * netW * 3;
      for (int i = 0; i < w * 3; i++) o[i] = static_cast<float>((s[i] - mean[i % 3]) / 255);
    }
    return;
  }
  // Bilinear, half-pixel centres: per output column, the two source columns and the right one's
  // weight (kept as float32, as the fallback's Float32Array keeps it).
  const double kx = static_cast<double>(w) / tw;
  const double ky = static_cast<double>(h) / th;
  std::vector<int> x0s(tw), x1s(tw);
  std::vector<float> wxs(tw);
  for (int x = 0; x < tw; x++) {
    const double sx = std::min(static_cast<double>(w - 1), std::max(0.0, (x + 0.5) * kx - 0.5));
    const int x0 = static_cast<int>(sx);
    x0s[x] = x0 * 3;
    x1s[x] = std::min(w - 1, x0 + 1) * 3;
    wxs[x] = static_cast<float>(sx - x0);
  }
  for (int y = 0; y < th; y++) {
    const double sy = std::min(static_cast<double>(h - 1), std::max(0.0, (y + 0.5) * ky - 0.5));
    const int y0 = static_cast<int>(sy);
    const double wy = sy - y0;
    const uint8_t* r0 = src + static_cast<size_t>(y0) * w * 3;
    const uint8_t* r1 = src + static_cast<size_t>(std::min(h - 1, y0 + 1)) * w * 3;
    float* o = dst + static_cast<size_t>(y) * netW * 3;
    for (int x = 0; x < tw; x++, o += 3) {
      const double wx = wxs[x];
      const double w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
      const uint8_t *a = r0 + x0s[x], *b = r0 + x1s[x], *c = r1 + x0s[x], *e = r1 + x1s[x];
      for (int k = 0; k < 3; k++)
        o[k] = static_cast<float>((a[k] * w00 + b[k] * w01 + c[k] * w10 + e[k] * w11 - mean[k]) / 255);
    }
  }
}

}  // namespace hotpot
