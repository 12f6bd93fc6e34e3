# reesx_set_warnings(target): the project's warning set, errors when REESX_WARNINGS_AS_ERRORS.
function(reesx_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast
                                           -Woverloaded-virtual -Wsuggest-override)
  # The solver's kernels pass a 32-byte GCC vector type (Vec4) by value among themselves; a
  # build without AVX gets a note that AVX builds pass it differently. One binary never mixes
  # the two.
  target_compile_options(${target} PRIVATE -Wno-psabi)
  if(REESX_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(REESX_ENABLE_SANITIZERS)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(REESX_NATIVE)
    # AVX-512 code paths of Eigen trip a false -Wmaybe-uninitialized in GCC 12; AVX2/FMA
    # give the gain.
    target_compile_options(${target} PRIVATE -march=native -mno-avx512f)
  endif()
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()
