// Whether this test binary is built with AddressSanitizer (--config=asan), for the tests that
// behave differently under it: gcc says so by __SANITIZE_ADDRESS__, clang by __has_feature.
#pragma once

namespace hazsim::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAsan = true;
#else
inline constexpr bool kAsan = false;
#endif
#else
inline constexpr bool kAsan = false;
#endif

}  // namespace hazsim::testing
