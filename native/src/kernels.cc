#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <memory>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <vector>

namespace hotpot {
namespace {

inline int ChromaW(int w) { return (w + 1) >> 1; }
inline int ChromaH(int h) { return (h + 1) >> 1; }
inline int Clamp255(int v) { return v < 0 ? 0 : (v > 255 ? 255 : v); }

// floor(a / d) by multiplication. For d <= 181 a 32-bit product suffices (a < 256 d, m = 2^23/d + 1:
// a*m < 2^32 and the error a*(m - 2^23/d)/2^23 < 1/d keeps the floor exact), which vectorizes;
// larger windows use a 32.32 reciprocal in 64 bits (exact while a*d < 2^32).
struct Div32 {
  uint32_t m;
  explicit Div32(uint32_t d) : m((uint32_t{1} << 23) / d + 1) {}
  inline uint8_t operator()(uint32_t a) const { return static_cast<uint8_t>((a * m) >> 23); }
};
// All-16-bit variant for d <= 181: sums fit in 16 bits (255 d + r < 65536) and
// floor(a / d) = ((a * m) >> 16) >> s with m = 2^(16+s)/d + 1 < 2^16, 2^s < d; exact because
// a * (m - 2^(16+s)/d) / 2^(16+s) < 256 d / 2^(16+s) <= 1/d when d^2 <= 2^(8+s), true for d <= 181.
struct Div16 {
  uint16_t m;
  int s;
  explicit Div16(uint32_t d) : m(0), s(0) {
    while ((2u << s) < d) s++;  // largest s with 2^s < d
    m = static_cast<uint16_t>((uint32_t{1} << (16 + s)) / d + 1);
  }
};
struct Div64 {
  uint64_t m;
  explicit Div64(uint32_t d) : m((uint64_t{1} << 32) / d + 1) {}
  inline uint8_t operator()(uint32_t a) const { return static_cast<uint8_t>((a * m) >> 32); }
};

// One plane region: `ch` interleaved channels, rows `stride` bytes apart.
struct Region {
  uint8_t* base;  // first byte of the region
  int stride;     // bytes between rows of the plane
  int ch;         // interleaved channels (3 for rgb24, 1 for a plane)
  int w;          // pixels
  int h;          // rows
};

// One vertical box pass (window 2r+1, rows clamped to [0, h)) of a packed buffer, in -> out.
// Row-major with one running sum per byte column, so the inner loop vectorizes. On x86-64 Linux
// an AVX2 clone is picked at load time when the CPU has it (the default clone is baseline SSE2).
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define HOTPOT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HOTPOT_CLONES
#endif

#define HOTPOT_VPASS_BODY(DIV)                                                                                   \
  for (size_t j = 0; j < rowBytes; j++) sums[j] = in[j] * static_cast<uint32_t>(r + 1);                           \
  for (int k = 1; k <= r; k++) {                                                                                  \
    const uint8_t* row = in + static_cast<size_t>(std::min(k, h - 1)) * inStride;                                 \
    for (size_t j = 0; j < rowBytes; j++) sums[j] += row[j];                                                      \
  }                                                                                                               \
  for (int y = 0; y < h; y++) {                                                                                   \
    uint8_t* __restrict o = out + static_cast<size_t>(y) * rowBytes;                                              \
    const uint8_t* __restrict add = in + static_cast<size_t>(std::min(y + r + 1, h - 1)) * inStride;              \
    const uint8_t* __restrict sub = in + static_cast<size_t>(std::max(y - r, 0)) * inStride;                      \
    for (size_t j = 0; j < rowBytes; j++) {                                                                       \
      const uint32_t s = sums[j];                                                                                 \
      o[j] = DIV(s + half);                                                                                       \
      sums[j] = s + add[j] - sub[j];                                                                              \
    }                                                                                                             \
  }

HOTPOT_CLONES void VPass32(const uint8_t* __restrict in, size_t inStride, uint8_t* __restrict out, size_t rowBytes, int h, int r, uint32_t m,
                           uint32_t half, uint32_t* __restrict sums) {
#define HOTPOT_DIV32(a) static_cast<uint8_t>(((a) * m) >> 23)
  HOTPOT_VPASS_BODY(HOTPOT_DIV32)
#undef HOTPOT_DIV32
}

// Column strips of kStrip bytes keep the running sums in L1 while the rows stream through.
constexpr size_t kStrip = 512;

void VPass16(const uint8_t* __restrict in, size_t inStride, uint8_t* __restrict out, size_t rowBytes, int h, int r,
                           uint16_t m, int sh, uint16_t half, uint16_t* __restrict sums) {
  for (size_t j0 = 0; j0 < rowBytes; j0 += kStrip) {
    const size_t n = std::min(kStrip, rowBytes - j0);
    const uint8_t* __restrict inS = in + j0;
    uint8_t* __restrict outS = out + j0;
    for (size_t j = 0; j < n; j++) sums[j] = static_cast<uint16_t>(inS[j] * (r + 1));
    for (int k = 1; k <= r; k++) {
      const uint8_t* row = inS + static_cast<size_t>(std::min(k, h - 1)) * inStride;
      for (size_t j = 0; j < n; j++) sums[j] = static_cast<uint16_t>(sums[j] + row[j]);
    }
    for (int y = 0; y < h; y++) {
      uint8_t* __restrict o = outS + static_cast<size_t>(y) * rowBytes;
      const uint8_t* __restrict add = inS + static_cast<size_t>(std::min(y + r + 1, h - 1)) * inStride;
      const uint8_t* __restrict sub = inS + static_cast<size_t>(std::max(y - r, 0)) * inStride;
      size_t j = 0;
#if defined(__SSE2__)
      // 16 columns at a time: pmulhuw is exactly the (a * m) >> 16 below.
      const __m128i vm = _mm_set1_epi16(static_cast<short>(m)), vh = _mm_set1_epi16(static_cast<short>(half)), z = _mm_setzero_si128();
      const __m128i vsh = _mm_cvtsi32_si128(sh);
      for (; j + 16 <= n; j += 16) {
        __m128i s0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sums + j));
        __m128i s1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sums + j + 8));
        const __m128i q0 = _mm_srl_epi16(_mm_mulhi_epu16(_mm_add_epi16(s0, vh), vm), vsh);
        const __m128i q1 = _mm_srl_epi16(_mm_mulhi_epu16(_mm_add_epi16(s1, vh), vm), vsh);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o + j), _mm_packus_epi16(q0, q1));
        const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(add + j));
        const __m128i vs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sub + j));
        s0 = _mm_sub_epi16(_mm_add_epi16(s0, _mm_unpacklo_epi8(va, z)), _mm_unpacklo_epi8(vs, z));
        s1 = _mm_sub_epi16(_mm_add_epi16(s1, _mm_unpackhi_epi8(va, z)), _mm_unpackhi_epi8(vs, z));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(sums + j), s0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(sums + j + 8), s1);
      }
#endif
      for (; j < n; j++) {
        const uint16_t a = static_cast<uint16_t>(sums[j] + half);
        const uint16_t hi = static_cast<uint16_t>((static_cast<uint32_t>(a) * m) >> 16);
        o[j] = static_cast<uint8_t>(hi >> sh);
        sums[j] = static_cast<uint16_t>(sums[j] + add[j] - sub[j]);
      }
    }
  }
}

HOTPOT_CLONES void VPass64(const uint8_t* __restrict in, size_t inStride, uint8_t* __restrict out, size_t rowBytes, int h, int r, uint64_t m,
                           uint32_t half, uint32_t* __restrict sums) {
#define HOTPOT_DIV64(a) static_cast<uint8_t>((static_cast<uint64_t>(a) * m) >> 32)
  HOTPOT_VPASS_BODY(HOTPOT_DIV64)
#undef HOTPOT_DIV64
}

// in: h rows `inStride` bytes apart; out: packed rows of rowBytes.
inline void VPass(const uint8_t* in, size_t inStride, uint8_t* out, size_t rowBytes, int h, int r, const Div32& div, uint32_t half, uint32_t* sums) {
  VPass32(in, inStride, out, rowBytes, h, r, div.m, half, sums);
}
inline void VPass(const uint8_t* in, size_t inStride, uint8_t* out, size_t rowBytes, int h, int r, const Div16& div, uint32_t half, uint32_t* sums) {
  VPass16(in, inStride, out, rowBytes, h, r, div.m, div.s, static_cast<uint16_t>(half), reinterpret_cast<uint16_t*>(sums));
}
inline void VPass(const uint8_t* in, size_t inStride, uint8_t* out, size_t rowBytes, int h, int r, const Div64& div, uint32_t half, uint32_t* sums) {
  VPass64(in, inStride, out, rowBytes, h, r, div.m, half, sums);
}

// Pixel transpose of a w x h image with CH bytes per pixel (dst is h x w), in 32 x 32 tiles.
template <int CH>
void TransposeT(const uint8_t* __restrict src, size_t srcStride, uint8_t* __restrict dst, size_t dstStride, int w, int h) {
  constexpr int kTile = 32;
  for (int y0 = 0; y0 < h; y0 += kTile) {
    const int y1 = std::min(y0 + kTile, h);
    for (int x0 = 0; x0 < w; x0 += kTile) {
      const int x1 = std::min(x0 + kTile, w);
      for (int y = y0; y < y1; y++) {
        const uint8_t* s = src + y * srcStride;
        uint8_t* d = dst + static_cast<size_t>(y) * CH;
        for (int x = x0; x < x1; x++)
          for (int c = 0; c < CH; c++) d[x * dstStride + c] = s[x * CH + c];
      }
    }
  }
}

void Transpose(const uint8_t* src, size_t srcStride, uint8_t* dst, size_t dstStride, int w, int h, int ch) {
  if (ch == 3) TransposeT<3>(src, srcStride, dst, dstStride, w, h);
  else TransposeT<1>(src, srcStride, dst, dstStride, w, h);
}

// The blur: `passes` vertical box passes, then `passes` horizontal ones (the horizontal ones run as
// vertical passes over the transposed region, which is what makes them fast). Rounded after every
// pass; native/fallback.ts computes the same sums in plain loops.
template <typename Div>
void BlurRegionWith(const Region& g, int radius, int passes, const Div& div) {
  const int ch = g.ch, w = g.w, h = g.h;
  const uint32_t half = static_cast<uint32_t>(radius);  // (2r+1) >> 1
  const size_t rowBytes = static_cast<size_t>(w) * ch, colBytes = static_cast<size_t>(h) * ch;
  // uninitialised scratch (every byte is written before it is read)
  std::unique_ptr<uint8_t[]> bufA(new uint8_t[rowBytes * h]), bufB(new uint8_t[rowBytes * h]);
  std::unique_ptr<uint32_t[]> sums(new uint32_t[std::max(rowBytes, colBytes)]);
  uint8_t* a = bufA.get();
  uint8_t* b = bufB.get();
  // the first vertical pass reads the frame in place; the others ping-pong between packed buffers
  VPass(g.base, g.stride, a, rowBytes, h, radius, div, half, sums.get());
  for (int p = 1; p < passes; p++) {
    VPass(a, rowBytes, b, rowBytes, h, radius, div, half, sums.get());
    std::swap(a, b);
  }
  Transpose(a, rowBytes, b, colBytes, w, h, ch);
  std::swap(a, b);  // a: w rows of h pixels
  for (int p = 0; p < passes; p++) {
    VPass(a, colBytes, b, colBytes, w, radius, div, half, sums.get());
    std::swap(a, b);
  }
  Transpose(a, colBytes, g.base, g.stride, h, w, ch);
}

void BlurRegion(const Region& g, int radius, int passes) {
  if (g.w <= 0 || g.h <= 0 || radius <= 0 || passes <= 0) return;
  const uint32_t d = 2 * radius + 1;
  if (d <= 181) BlurRegionWith(g, radius, passes, Div16(d));
  else BlurRegionWith(g, radius, passes, Div64(d));
}

void PixelateRegion(const Region& g, int block) {
  if (g.w <= 0 || g.h <= 0 || block <= 1) return;
  const int ch = g.ch;
  for (int by = 0; by < g.h; by += block) {
    const int bh = std::min(block, g.h - by);
    for (int bx = 0; bx < g.w; bx += block) {
      const int bw = std::min(block, g.w - bx);
      const uint32_t n = static_cast<uint32_t>(bw) * bh;
      for (int c = 0; c < ch; c++) {
        uint32_t sum = 0;
        for (int y = by; y < by + bh; y++) {
          const uint8_t* row = g.base + static_cast<size_t>(y) * g.stride;
          for (int x = bx; x < bx + bw; x++) sum += row[x * ch + c];
        }
        const uint8_t v = static_cast<uint8_t>((sum + (n >> 1)) / n);
        for (int y = by; y < by + bh; y++) {
          uint8_t* row = g.base + static_cast<size_t>(y) * g.stride;
          for (int x = bx; x < bx + bw; x++) row[x * ch + c] = v;
        }
      }
    }
  }
}

void FillRegion(const Region& g, const uint8_t* colour) {
  for (int y = 0; y < g.h; y++) {
    uint8_t* row = g.base + static_cast<size_t>(y) * g.stride;
    for (int x = 0; x < g.w; x++)
      for (int c = 0; c < g.ch; c++) row[x * g.ch + c] = colour[c];
  }
}

void RgbToYuv(int r, int g, int b, uint8_t* yuv) {
  yuv[0] = static_cast<uint8_t>(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
  yuv[1] = static_cast<uint8_t>(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
  yuv[2] = static_cast<uint8_t>(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
}

// Calls fn(region, plane) for the part of rect (x, y, w, h) in every plane of the frame.
template <typename Fn>
void ForEachPlane(uint8_t* data, int format, int width, int height, const int32_t* rect, Fn fn) {
  const int x = rect[0], y = rect[1], w = rect[2], h = rect[3];
  if (format == kRgb24) {
    fn(Region{data + (static_cast<size_t>(y) * width + x) * 3, width * 3, 3, w, h}, 0);
    return;
  }
  fn(Region{data + static_cast<size_t>(y) * width + x, width, 1, w, h}, 0);
  const int cw = ChromaW(width), chh = ChromaH(height);
  const int cx0 = x >> 1, cy0 = y >> 1, cx1 = (x + w + 1) >> 1, cy1 = (y + h + 1) >> 1;
  uint8_t* u = data + static_cast<size_t>(width) * height;
  uint8_t* v = u + static_cast<size_t>(cw) * chh;
  fn(Region{u + static_cast<size_t>(cy0) * cw + cx0, cw, 1, cx1 - cx0, cy1 - cy0}, 1);
  fn(Region{v + static_cast<size_t>(cy0) * cw + cx0, cw, 1, cx1 - cx0, cy1 - cy0}, 2);
}

// Even-odd scanline fill of one plane; pixel (x, y) is inside when its centre is.
void FillPolygonPlane(uint8_t* plane, int pw, int ph, int ch, const double* pts, int n, double scale,
                      const uint8_t* colour) {
  if (n < 3) return;
  double minY = pts[1] * scale, maxY = minY;
  for (int i = 1; i < n; i++) {
    const double py = pts[2 * i + 1] * scale;
    minY = std::min(minY, py);
    maxY = std::max(maxY, py);
  }
  int y0 = static_cast<int>(std::floor(minY)), y1 = static_cast<int>(std::ceil(maxY));
  y0 = std::max(y0, 0);
  y1 = std::min(y1, ph - 1);
  std::vector<double> xs;
  for (int y = y0; y <= y1; y++) {
    const double yc = y + 0.5;
    xs.clear();
    for (int i = 0; i < n; i++) {
      const int j = (i + 1) % n;
      const double xa = pts[2 * i] * scale, ya = pts[2 * i + 1] * scale;
      const double xb = pts[2 * j] * scale, yb = pts[2 * j + 1] * scale;
      if ((ya <= yc && yc < yb) || (yb <= yc && yc < ya)) {
        const double t = (yc - ya) * (xb - xa);
        xs.push_back(xa + t / (yb - ya));
      }
    }
    std::sort(xs.begin(), xs.end());
    uint8_t* row = plane + static_cast<size_t>(y) * pw * ch;
    for (size_t k = 0; k + 1 < xs.size(); k += 2) {
      double fs = std::ceil(xs[k] - 0.5), fe = std::ceil(xs[k + 1] - 0.5) - 1;
      if (fs < 0) fs = 0;
      if (fe > pw - 1) fe = pw - 1;
      for (int x = static_cast<int>(fs); x <= static_cast<int>(fe); x++)
        for (int c = 0; c < ch; c++) row[x * ch + c] = colour[c];
    }
  }
}

}  // namespace

size_t FrameBytes(int format, int width, int height) {
  if (format == kRgb24) return static_cast<size_t>(width) * height * 3;
  return static_cast<size_t>(width) * height + 2 * static_cast<size_t>(ChromaW(width)) * ChromaH(height);
}

void BlurRects(uint8_t* data, int format, int width, int height, const int32_t* rects, int rectCount,
               int radius, int passes) {
  for (int i = 0; i < rectCount; i++) {
    ForEachPlane(data, format, width, height, rects + 4 * i, [&](const Region& g, int plane) {
      BlurRegion(g, plane == 0 ? radius : (radius + 1) >> 1, passes);
    });
  }
}

void PixelateRects(uint8_t* data, int format, int width, int height, const int32_t* rects, int rectCount,
                   int block) {
  for (int i = 0; i < rectCount; i++) {
    ForEachPlane(data, format, width, height, rects + 4 * i, [&](const Region& g, int plane) {
      PixelateRegion(g, plane == 0 ? block : std::max(1, block >> 1));
    });
  }
}

void FillRects(uint8_t* data, int format, int width, int height, const int32_t* rects, int rectCount, int r,
               int g, int b) {
  uint8_t rgb[3] = {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
  uint8_t yuv[3];
  RgbToYuv(r, g, b, yuv);
  for (int i = 0; i < rectCount; i++) {
    ForEachPlane(data, format, width, height, rects + 4 * i, [&](const Region& reg, int plane) {
      FillRegion(reg, format == kRgb24 ? rgb : &yuv[plane]);
    });
  }
}

void FillPolygon(uint8_t* data, int format, int width, int height, const double* points, int pointCount,
                 int r, int g, int b) {
  if (format == kRgb24) {
    const uint8_t rgb[3] = {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
    FillPolygonPlane(data, width, height, 3, points, pointCount, 1.0, rgb);
    return;
  }
  uint8_t yuv[3];
  RgbToYuv(r, g, b, yuv);
  const int cw = ChromaW(width), chh = ChromaH(height);
  uint8_t* u = data + static_cast<size_t>(width) * height;
  FillPolygonPlane(data, width, height, 1, points, pointCount, 1.0, &yuv[0]);
  FillPolygonPlane(u, cw, chh, 1, points, pointCount, 0.5, &yuv[1]);
  FillPolygonPlane(u + static_cast<size_t>(cw) * chh, cw, chh, 1, points, pointCount, 0.5, &yuv[2]);
}

namespace {

// Area average of a plane with `ch` interleaved channels: destination pixel (x, y) is the rounded
// mean of source columns [x*sw/dw, (x+1)*sw/dw) and rows [y*sh/dh, (y+1)*sh/dh) (at least one each).
void DownscalePlane(const uint8_t* src, int sw, int sh, int ch, uint8_t* dst, int dw, int dh) {
  std::vector<int> xs(dw + 1);
  for (int x = 0; x <= dw; x++) xs[x] = static_cast<int>(static_cast<int64_t>(x) * sw / dw);
  std::vector<uint32_t> acc(static_cast<size_t>(dw) * ch);
  for (int y = 0; y < dh; y++) {
    const int sy0 = static_cast<int>(static_cast<int64_t>(y) * sh / dh);
    int sy1 = static_cast<int>(static_cast<int64_t>(y + 1) * sh / dh);
    if (sy1 <= sy0) sy1 = sy0 + 1;
    std::fill(acc.begin(), acc.end(), 0u);
    for (int sy = sy0; sy < sy1; sy++) {
      const uint8_t* row = src + static_cast<size_t>(sy) * sw * ch;
      for (int x = 0; x < dw; x++) {
        int sx0 = xs[x], sx1 = xs[x + 1];
        if (sx1 <= sx0) sx1 = sx0 + 1;
        for (int c = 0; c < ch; c++) {
          uint32_t v = 0;
          for (int sx = sx0; sx < sx1; sx++) v += row[sx * ch + c];
          acc[x * ch + c] += v;
        }
      }
    }
    uint8_t* out = dst + static_cast<size_t>(y) * dw * ch;
    for (int x = 0; x < dw; x++) {
      int sx0 = xs[x], sx1 = xs[x + 1];
      if (sx1 <= sx0) sx1 = sx0 + 1;
      const uint32_t n = static_cast<uint32_t>(sx1 - sx0) * (sy1 - sy0);
      for (int c = 0; c < ch; c++) out[x * ch + c] = static_cast<uint8_t>((acc[x * ch + c] + (n >> 1)) / n);
    }
  }
}

}  // namespace

void DownscaleRgb24(const uint8_t* src, int sw, int sh, uint8_t* dst, int dw, int dh) {
  DownscalePlane(src, sw, sh, 3, dst, dw, dh);
}

void DownscaleYuv420pToRgb24(const uint8_t* src, int sw, int sh, uint8_t* dst, int dw, int dh) {
  const int cw = ChromaW(sw), chh = ChromaH(sh);
  const size_t n = static_cast<size_t>(dw) * dh;
  std::vector<uint8_t> planes(n * 3);
  DownscalePlane(src, sw, sh, 1, &planes[0], dw, dh);
  DownscalePlane(src + static_cast<size_t>(sw) * sh, cw, chh, 1, &planes[n], dw, dh);
  DownscalePlane(src + static_cast<size_t>(sw) * sh + static_cast<size_t>(cw) * chh, cw, chh, 1, &planes[2 * n], dw, dh);
  for (size_t i = 0; i < n; i++) {
    const int c = 298 * (planes[i] - 16), d = planes[n + i] - 128, e = planes[2 * n + i] - 128;
    dst[i * 3] = static_cast<uint8_t>(Clamp255((c + 409 * e + 128) >> 8));
    dst[i * 3 + 1] = static_cast<uint8_t>(Clamp255((c - 100 * d - 208 * e + 128) >> 8));
    dst[i * 3 + 2] = static_cast<uint8_t>(Clamp255((c + 516 * d + 128) >> 8));
  }
}

void Yuv420pToRgb24(const uint8_t* src, int width, int height, uint8_t* dst) {
  const int cw = ChromaW(width), chh = ChromaH(height);
  const uint8_t* yp = src;
  const uint8_t* up = src + static_cast<size_t>(width) * height;
  const uint8_t* vp = up + static_cast<size_t>(cw) * chh;
  for (int y = 0; y < height; y++) {
    const uint8_t* yr = yp + static_cast<size_t>(y) * width;
    const uint8_t* ur = up + static_cast<size_t>(y >> 1) * cw;
    const uint8_t* vr = vp + static_cast<size_t>(y >> 1) * cw;
    uint8_t* out = dst + static_cast<size_t>(y) * width * 3;
    for (int x = 0; x < width; x++) {
      const int c = 298 * (yr[x] - 16), d = ur[x >> 1] - 128, e = vr[x >> 1] - 128;
      out[x * 3] = static_cast<uint8_t>(Clamp255((c + 409 * e + 128) >> 8));
      out[x * 3 + 1] = static_cast<uint8_t>(Clamp255((c - 100 * d - 208 * e + 128) >> 8));
      out[x * 3 + 2] = static_cast<uint8_t>(Clamp255((c + 516 * d + 128) >> 8));
    }
  }
}

void Rgb24ToYuv420p(const uint8_t* src, int width, int height, uint8_t* dst) {
  const int cw = ChromaW(width), chh = ChromaH(height);
  uint8_t* yp = dst;
  uint8_t* up = dst + static_cast<size_t>(width) * height;
  uint8_t* vp = up + static_cast<size_t>(cw) * chh;
  for (int y = 0; y < height; y++) {
    const uint8_t* in = src + static_cast<size_t>(y) * width * 3;
    uint8_t* out = yp + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; x++)
      out[x] = static_cast<uint8_t>(((66 * in[x * 3] + 129 * in[x * 3 + 1] + 25 * in[x * 3 + 2] + 128) >> 8) + 16);
  }
  for (int cy = 0; cy < chh; cy++) {
    const int y0 = cy * 2, y1 = std::min(y0 + 1, height - 1);
    for (int cx = 0; cx < cw; cx++) {
      const int x0 = cx * 2, x1 = std::min(x0 + 1, width - 1);
      int s[3];
      for (int c = 0; c < 3; c++) {
        s[c] = (src[(static_cast<size_t>(y0) * width + x0) * 3 + c] + src[(static_cast<size_t>(y0) * width + x1) * 3 + c] +
                src[(static_cast<size_t>(y1) * width + x0) * 3 + c] + src[(static_cast<size_t>(y1) * width + x1) * 3 + c] + 2) >>
               2;
      }
      up[static_cast<size_t>(cy) * cw + cx] = static_cast<uint8_t>(((-38 * s[0] - 74 * s[1] + 112 * s[2] + 128) >> 8) + 128);
      vp[static_cast<size_t>(cy) * cw + cx] = static_cast<uint8_t>(((112 * s[0] - 94 * s[1] - 18 * s[2] + 128) >> 8) + 128);
    }
  }
}

}  // namespace hotpot
