#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace hotpot {
namespace {

inline int ChromaW(int w) { return (w + 1) >> 1; }
inline int ChromaH(int h) { return (h + 1) >> 1; }
inline int Clamp255(int v) { return v < 0 ? 0 : (v > 255 ? 255 : v); }

// floor(a / d) by a 32.32 reciprocal: exact whenever a * d < 2^32 (a <= 255 * 511 + 255, d <= 511 here).
struct Divider {
  uint64_t m;
  explicit Divider(uint32_t d) : m((uint64_t{1} << 32) / d + 1) {}
  inline uint32_t Div(uint32_t a) const { return static_cast<uint32_t>((a * m) >> 32); }
};

// One plane region: `ch` interleaved channels, rows `stride` bytes apart.
struct Region {
  uint8_t* base;  // first byte of the region
  int stride;     // bytes between rows of the plane
  int ch;         // interleaved channels (3 for rgb24, 1 for a plane)
  int w;          // pixels
  int h;          // rows
};

void BlurRegion(const Region& g, int radius, int passes) {
  if (g.w <= 0 || g.h <= 0 || radius <= 0 || passes <= 0) return;
  const int ch = g.ch, w = g.w, h = g.h, rowBytes = w * ch;
  const uint32_t d = 2 * radius + 1, half = d >> 1;
  const Divider div(d);
  std::vector<uint8_t> a(static_cast<size_t>(rowBytes) * h), b(a.size());
  for (int y = 0; y < h; y++) std::copy_n(g.base + static_cast<size_t>(y) * g.stride, rowBytes, &a[static_cast<size_t>(y) * rowBytes]);
  std::vector<uint32_t> sums(rowBytes);
  for (int p = 0; p < passes; p++) {
    // horizontal: a -> b
    for (int y = 0; y < h; y++) {
      const uint8_t* in = &a[static_cast<size_t>(y) * rowBytes];
      uint8_t* out = &b[static_cast<size_t>(y) * rowBytes];
      for (int c = 0; c < ch; c++) {
        uint32_t sum = in[c] * static_cast<uint32_t>(radius + 1);
        for (int k = 1; k <= radius; k++) sum += in[std::min(k, w - 1) * ch + c];
        for (int x = 0; x < w; x++) {
          out[x * ch + c] = static_cast<uint8_t>(div.Div(sum + half));
          sum += in[std::min(x + radius + 1, w - 1) * ch + c];
          sum -= in[std::max(x - radius, 0) * ch + c];
        }
      }
    }
    // vertical: b -> a, running sums per column, row-major
    const uint8_t* row0 = &b[0];
    for (int j = 0; j < rowBytes; j++) sums[j] = row0[j] * static_cast<uint32_t>(radius + 1);
    for (int k = 1; k <= radius; k++) {
      const uint8_t* row = &b[static_cast<size_t>(std::min(k, h - 1)) * rowBytes];
      for (int j = 0; j < rowBytes; j++) sums[j] += row[j];
    }
    for (int y = 0; y < h; y++) {
      uint8_t* out = &a[static_cast<size_t>(y) * rowBytes];
      const uint8_t* add = &b[static_cast<size_t>(std::min(y + radius + 1, h - 1)) * rowBytes];
      const uint8_t* sub = &b[static_cast<size_t>(std::max(y - radius, 0)) * rowBytes];
      for (int j = 0; j < rowBytes; j++) {
        out[j] = static_cast<uint8_t>(div.Div(sums[j] + half));
        sums[j] = sums[j] + add[j] - sub[j];
      }
    }
  }
  for (int y = 0; y < h; y++) std::copy_n(&a[static_cast<size_t>(y) * rowBytes], rowBytes, g.base + static_cast<size_t>(y) * g.stride);
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
