# `cmake --install`: reesx as a C++ library. The libraries (static) with their headers, a
# CMake package (`find_package(reesx)` gives reesx::thermo, reesx::solver, reesx::flowsheets,
# reesx::costs, reesx::validation), the data files under share/reesx (the libraries carry them
# compiled in; the files are there to read), the program (tools/) and the Python package
# (python/). The test install.cxx_package builds a program against an installed copy.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(reesx_libraries reesx_thermo reesx_solver reesx_flowsheets reesx_costs reesx_validation)
foreach(library IN LISTS reesx_libraries)
  # The include folders are source paths in the build; installed, they are PREFIX/include.
  get_target_property(dirs ${library} INTERFACE_INCLUDE_DIRECTORIES)
  set(wrapped "")
  foreach(dir IN LISTS dirs)
    list(APPEND wrapped "$<BUILD_INTERFACE:${dir}>")
    install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
  endforeach()
  list(APPEND wrapped "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
  set_property(TARGET ${library} PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${wrapped}")
  string(REPLACE "reesx_" "" name ${library})
  set_property(TARGET ${library} PROPERTY EXPORT_NAME ${name})
endforeach()

set(REESX_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/reesx)
install(TARGETS ${reesx_libraries} EXPORT reesxTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT reesxTargets NAMESPACE reesx:: DESTINATION ${REESX_CMAKE_INSTALL_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/reesxConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/reesxConfig.cmake
                              INSTALL_DESTINATION ${REESX_CMAKE_INSTALL_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/reesxConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/reesxConfig.cmake ${CMAKE_BINARY_DIR}/reesxConfigVersion.cmake
        DESTINATION ${REESX_CMAKE_INSTALL_DIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/thermo/data/systems ${PROJECT_SOURCE_DIR}/thermo/data/feeds
        DESTINATION ${CMAKE_INSTALL_DATADIR}/reesx)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/costs/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/reesx/costs)

if(REESX_BUILD_TESTS)
  # Install into a folder of the build tree, then configure, build and run tests/install/
  # (a program that solves a case) against that folder alone.
  set(prefix ${CMAKE_BINARY_DIR}/cxx-install-test)
  add_test(NAME install.cxx_package
           COMMAND sh -c "rm -rf \"${prefix}\" && \"${CMAKE_COMMAND}\" --install \"${CMAKE_BINARY_DIR}\" --prefix \"${prefix}/usr\" >/dev/null && \"${CMAKE_COMMAND}\" -S \"${PROJECT_SOURCE_DIR}/tests/install\" -B \"${prefix}/build\" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=\"${prefix}/usr\" -DCMAKE_CXX_COMPILER=\"${CMAKE_CXX_COMPILER}\" >/dev/null && \"${CMAKE_COMMAND}\" --build \"${prefix}/build\" && \"${prefix}/build/solve_case\" \"${PROJECT_SOURCE_DIR}/examples/prnd-p507.yaml\"")
  set_tests_properties(install.cxx_package PROPERTIES LABELS regression
                       PASS_REGULAR_EXPRESSION "solved with reesx [0-9.]+ \\(package ${PROJECT_VERSION}\\) from ${prefix}/usr")
endif()
