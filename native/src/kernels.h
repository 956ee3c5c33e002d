// Pixel kernels of the frame pipeline. Integer arithmetic only (polygon edges and the tiny detector's
// float input in IEEE doubles with no contraction), so native/fallback.ts reproduces every output
// byte exactly.
// Formats: 0 = rgb24 (packed, 3 bytes per pixel), 1 = yuv420p (Y plane, then U and V at
// ceil(w/2) x ceil(h/2)). Rects are int32 quadruples (x, y, w, h) in luma pixels, already clipped.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hotpot {

enum Format { kRgb24 = 0, kYuv420p = 1 };

/** Bytes a frame of this format and size occupies. */
size_t FrameBytes(int format, int width, int height);

/** Box blur (window 2r+1, clamped to the rect), `passes` times horizontally then vertically, in place. */
void BlurRects(uint8_t* data, int format, int width, int height, const int32_t* rects, int rectCount,
               int radius, int passes);

/** Replaces each block of `block` x `block` pixels (aligned to the rect origin) by its rounded mean. */
void PixelateRects(uint8_t* data, int format, int width, int height, const int32_t* rects, int rectCount,
                   int block);

/** Fills the rects with one RGB colour (converted to BT.601 limited-range YUV for yuv420p). */
void FillRects(uint8_t* data, int format, int width, int height, const int32_t* rects, int rectCount, int r,
               int g, int b);

/** Fills a polygon (pixel coordinates, even-odd rule, pixel centres) with one RGB colour. */
void FillPolygon(uint8_t* data, int format, int width, int height, const double* points, int pointCount,
                 int r, int g, int b);

/** Area-average downscale of a packed rgb24 image (each destination pixel averages its source box). */
void DownscaleRgb24(const uint8_t* src, int sw, int sh, uint8_t* dst, int dw, int dh);

/** Area-average downscale of a yuv420p frame straight to a small rgb24 image (the detector's input). */
void DownscaleYuv420pToRgb24(const uint8_t* src, int sw, int sh, uint8_t* dst, int dw, int dh);

/**
 * The tiny face detector's input (tiny_input.cc): packed rgb24 `src` (w x h) scaled to tw x th
 * (bilinear, half-pixel centres; copied when the sizes match) into the top-left of `dst`
 * (float32, netH x netW x 3), the rest black; every value (v - mean) / 255.
 */
void TinyInputRgb24(const uint8_t* src, int w, int h, float* dst, int netW, int netH, int tw, int th,
                    const double mean[3]);

/** BT.601 limited-range conversions. */
void Yuv420pToRgb24(const uint8_t* src, int width, int height, uint8_t* dst);
void Rgb24ToYuv420p(const uint8_t* src, int width, int height, uint8_t* dst);

}  // namespace hotpot
