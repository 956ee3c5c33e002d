// N-API surface of the kernels. Arguments are re-checked here (sizes against buffer lengths) so a
// wrong call throws instead of writing outside a buffer; native/index.ts checks them first with
// friendlier messages.
#include <napi.h>

#include "kernels.h"
#include "keccak.h"

namespace {

bool Fail(const Napi::Env& env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

bool GetInt(const Napi::CallbackInfo& info, size_t i, int* out) {
  if (!info[i].IsNumber()) return Fail(info.Env(), "hotpot_native: expected a number argument");
  *out = info[i].As<Napi::Number>().Int32Value();
  return true;
}

bool GetBytes(const Napi::CallbackInfo& info, size_t i, Napi::Uint8Array* out) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    return Fail(info.Env(), "hotpot_native: expected a Uint8Array argument");
  *out = info[i].As<Napi::Uint8Array>();
  return true;
}

// (data, format, width, height) with data.length === FrameBytes(format, width, height).
bool GetFrame(const Napi::CallbackInfo& info, Napi::Uint8Array* data, int* format, int* w, int* h) {
  if (!GetBytes(info, 0, data) || !GetInt(info, 1, format) || !GetInt(info, 2, w) || !GetInt(info, 3, h)) return false;
  if ((*format != hotpot::kRgb24 && *format != hotpot::kYuv420p) || *w <= 0 || *h <= 0)
    return Fail(info.Env(), "hotpot_native: bad frame format or size");
  if (data->ByteLength() != hotpot::FrameBytes(*format, *w, *h))
    return Fail(info.Env(), "hotpot_native: frame buffer length does not match format and size");
  return true;
}

// Rects as Int32Array of (x, y, w, h), each inside the frame.
bool GetRects(const Napi::CallbackInfo& info, size_t i, int w, int h, Napi::Int32Array* out) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    return Fail(info.Env(), "hotpot_native: expected an Int32Array of rects");
  *out = info[i].As<Napi::Int32Array>();
  if (out->ElementLength() % 4 != 0) return Fail(info.Env(), "hotpot_native: rect array length is not a multiple of 4");
  const int32_t* r = out->Data();
  for (size_t k = 0; k < out->ElementLength(); k += 4) {
    if (r[k] < 0 || r[k + 1] < 0 || r[k + 2] < 0 || r[k + 3] < 0 || r[k] + r[k + 2] > w || r[k + 1] + r[k + 3] > h)
      return Fail(info.Env(), "hotpot_native: rect outside the frame");
  }
  return true;
}

Napi::Value BlurRects(const Napi::CallbackInfo& info) {
  Napi::Uint8Array data;
  Napi::Int32Array rects;
  int format, w, h, radius, passes;
  if (!GetFrame(info, &data, &format, &w, &h) || !GetRects(info, 4, w, h, &rects) || !GetInt(info, 5, &radius) ||
      !GetInt(info, 6, &passes))
    return info.Env().Undefined();
  if (radius < 0 || radius > 255 || passes < 0 || passes > 16) {
    Fail(info.Env(), "hotpot_native: radius must be 0..255 and passes 0..16");
    return info.Env().Undefined();
  }
  hotpot::BlurRects(data.Data(), format, w, h, rects.Data(), static_cast<int>(rects.ElementLength() / 4), radius, passes);
  return info.Env().Undefined();
}

Napi::Value PixelateRects(const Napi::CallbackInfo& info) {
  Napi::Uint8Array data;
  Napi::Int32Array rects;
  int format, w, h, block;
  if (!GetFrame(info, &data, &format, &w, &h) || !GetRects(info, 4, w, h, &rects) || !GetInt(info, 5, &block))
    return info.Env().Undefined();
  if (block < 1 || block > 4096) {
    Fail(info.Env(), "hotpot_native: block must be 1..4096");
    return info.Env().Undefined();
  }
  hotpot::PixelateRects(data.Data(), format, w, h, rects.Data(), static_cast<int>(rects.ElementLength() / 4), block);
  return info.Env().Undefined();
}

bool GetColour(const Napi::CallbackInfo& info, size_t i, int* r, int* g, int* b) {
  if (!GetInt(info, i, r) || !GetInt(info, i + 1, g) || !GetInt(info, i + 2, b)) return false;
  if (*r < 0 || *r > 255 || *g < 0 || *g > 255 || *b < 0 || *b > 255)
    return Fail(info.Env(), "hotpot_native: colour components must be 0..255");
  return true;
}

Napi::Value FillRects(const Napi::CallbackInfo& info) {
  Napi::Uint8Array data;
  Napi::Int32Array rects;
  int format, w, h, r, g, b;
  if (!GetFrame(info, &data, &format, &w, &h) || !GetRects(info, 4, w, h, &rects) || !GetColour(info, 5, &r, &g, &b))
    return info.Env().Undefined();
  hotpot::FillRects(data.Data(), format, w, h, rects.Data(), static_cast<int>(rects.ElementLength() / 4), r, g, b);
  return info.Env().Undefined();
}

Napi::Value FillPolygon(const Napi::CallbackInfo& info) {
  Napi::Uint8Array data;
  int format, w, h, r, g, b;
  if (!GetFrame(info, &data, &format, &w, &h) || !GetColour(info, 5, &r, &g, &b)) return info.Env().Undefined();
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Fail(info.Env(), "hotpot_native: expected a Float64Array of polygon points");
    return info.Env().Undefined();
  }
  Napi::Float64Array pts = info[4].As<Napi::Float64Array>();
  if (pts.ElementLength() % 2 != 0) {
    Fail(info.Env(), "hotpot_native: polygon point array length is odd");
    return info.Env().Undefined();
  }
  hotpot::FillPolygon(data.Data(), format, w, h, pts.Data(), static_cast<int>(pts.ElementLength() / 2), r, g, b);
  return info.Env().Undefined();
}

Napi::Value DownscaleRgb24(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src, dst;
  int sw, sh, dw, dh;
  if (!GetBytes(info, 0, &src) || !GetInt(info, 1, &sw) || !GetInt(info, 2, &sh) || !GetBytes(info, 3, &dst) ||
      !GetInt(info, 4, &dw) || !GetInt(info, 5, &dh))
    return info.Env().Undefined();
  if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || dw > sw || dh > sh ||
      src.ByteLength() != static_cast<size_t>(sw) * sh * 3 || dst.ByteLength() != static_cast<size_t>(dw) * dh * 3) {
    Fail(info.Env(), "hotpot_native: bad downscale sizes");
    return info.Env().Undefined();
  }
  hotpot::DownscaleRgb24(src.Data(), sw, sh, dst.Data(), dw, dh);
  return info.Env().Undefined();
}

Napi::Value DownscaleYuv420pToRgb24(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src, dst;
  int sw, sh, dw, dh;
  if (!GetBytes(info, 0, &src) || !GetInt(info, 1, &sw) || !GetInt(info, 2, &sh) || !GetBytes(info, 3, &dst) ||
      !GetInt(info, 4, &dw) || !GetInt(info, 5, &dh))
    return info.Env().Undefined();
  if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || dw > sw || dh > sh ||
      src.ByteLength() != hotpot::FrameBytes(hotpot::kYuv420p, sw, sh) || dst.ByteLength() != static_cast<size_t>(dw) * dh * 3) {
    Fail(info.Env(), "hotpot_native: bad downscale sizes");
    return info.Env().Undefined();
  }
  hotpot::DownscaleYuv420pToRgb24(src.Data(), sw, sh, dst.Data(), dw, dh);
  return info.Env().Undefined();
}

// tinyInputRgb24(src, w, h, dst: Float32Array, netW, netH, tw, th, meanR, meanG, meanB)
Napi::Value TinyInputRgb24(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src;
  int w, h, netW, netH, tw, th;
  if (!GetBytes(info, 0, &src) || !GetInt(info, 1, &w) || !GetInt(info, 2, &h) || !GetInt(info, 4, &netW) ||
      !GetInt(info, 5, &netH) || !GetInt(info, 6, &tw) || !GetInt(info, 7, &th))
    return info.Env().Undefined();
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Fail(info.Env(), "hotpot_native: expected a Float32Array for the tiny input");
    return info.Env().Undefined();
  }
  double mean[3];
  for (int k = 0; k < 3; k++) {
    if (!info[8 + k].IsNumber()) {
      Fail(info.Env(), "hotpot_native: expected a number argument");
      return info.Env().Undefined();
    }
    mean[k] = info[8 + k].As<Napi::Number>().DoubleValue();
  }
  Napi::Float32Array dst = info[3].As<Napi::Float32Array>();
  if (w <= 0 || h <= 0 || tw < w || th < h || netW < tw || netH < th || netW > 16384 || netH > 16384 ||
      src.ByteLength() != static_cast<size_t>(w) * h * 3 || dst.ElementLength() != static_cast<size_t>(netW) * netH * 3) {
    Fail(info.Env(), "hotpot_native: bad tiny input sizes");
    return info.Env().Undefined();
  }
  hotpot::TinyInputRgb24(src.Data(), w, h, dst.Data(), netW, netH, tw, th, mean);
  return info.Env().Undefined();
}

template <bool kToRgb>
Napi::Value Convert(const Napi::CallbackInfo& info) {
  Napi::Uint8Array src, dst;
  int w, h;
  if (!GetBytes(info, 0, &src) || !GetInt(info, 1, &w) || !GetInt(info, 2, &h) || !GetBytes(info, 3, &dst))
    return info.Env().Undefined();
  const size_t rgb = static_cast<size_t>(w) * h * 3, yuv = w > 0 && h > 0 ? hotpot::FrameBytes(hotpot::kYuv420p, w, h) : 0;
  if (w <= 0 || h <= 0 || src.ByteLength() != (kToRgb ? yuv : rgb) || dst.ByteLength() != (kToRgb ? rgb : yuv)) {
    Fail(info.Env(), "hotpot_native: bad conversion sizes");
    return info.Env().Undefined();
  }
  if (kToRgb) hotpot::Yuv420pToRgb24(src.Data(), w, h, dst.Data());
  else hotpot::Rgb24ToYuv420p(src.Data(), w, h, dst.Data());
  return info.Env().Undefined();
}

// keccak256(...parts: Uint8Array[]): Uint8Array — keccak-256 of the parts' concatenation.
Napi::Value Keccak256(const Napi::CallbackInfo& info) {
  hotpot::Keccak256 h;
  for (size_t i = 0; i < info.Length(); i++) {
    Napi::Uint8Array part;
    if (!GetBytes(info, i, &part)) return info.Env().Undefined();
    h.Update(part.Data(), part.ByteLength());
  }
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 32);
  h.Final(out.Data());
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("keccak256", Napi::Function::New(env, Keccak256));
  exports.Set("blurRects", Napi::Function::New(env, BlurRects));
  exports.Set("pixelateRects", Napi::Function::New(env, PixelateRects));
  exports.Set("fillRects", Napi::Function::New(env, FillRects));
  exports.Set("fillPolygon", Napi::Function::New(env, FillPolygon));
  exports.Set("downscaleRgb24", Napi::Function::New(env, DownscaleRgb24));
  exports.Set("downscaleYuv420pToRgb24", Napi::Function::New(env, DownscaleYuv420pToRgb24));
  exports.Set("yuv420pToRgb24", Napi::Function::New(env, Convert<true>));
  exports.Set("rgb24ToYuv420p", Napi::Function::New(env, Convert<false>));
  exports.Set("tinyInputRgb24", Napi::Function::New(env, TinyInputRgb24));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(hotpot_native, Init)
