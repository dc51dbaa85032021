/* bcryptprimitives.dll for Wine 8.0, which lacks it; the tests' Wine prefix only, never
 * a package. Rust's standard library (1.78+) gets its random bytes from ProcessPrng;
 * this forwards to RtlGenRandom (advapi32's SystemFunction036), which Wine has. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
