# Unit test for the offline symboliser (libtrace/reader/symbols.c).
# include()d from tests/CMakeLists.txt: source paths are relative to this file.

# The fixture: a shared object with known symbols and lines that the test
# dlopens and then symbolises from disk. -g -O0 whatever the build type (the
# test checks exact lines and an always_inline frame); a build id so the test
# can register it the way the shim records modules. Never sanitized: it stands
# for an ordinary traced library.
add_library(snag_symbols_fixture SHARED ${CMAKE_CURRENT_LIST_DIR}/symbols_fixture.c)
snag_target_defaults(snag_symbols_fixture)
target_compile_options(snag_symbols_fixture PRIVATE -g -O0 -fno-omit-frame-pointer)
target_link_options(snag_symbols_fixture PRIVATE -Wl,--build-id)
target_link_libraries(snag_symbols_fixture PRIVATE Threads::Threads)

# Stripped copies: one whose DWARF and .symtab sit in a .debug file found via
# .gnu_debuglink, one with no debug info at all (only .dynsym survives).
set(SNAG_SYMBOLS_OBJCOPY "${CMAKE_OBJCOPY}")
if(NOT SNAG_SYMBOLS_OBJCOPY)
  find_program(SNAG_SYMBOLS_OBJCOPY_PROGRAM objcopy REQUIRED)
  set(SNAG_SYMBOLS_OBJCOPY "${SNAG_SYMBOLS_OBJCOPY_PROGRAM}")
endif()
set(SNAG_SYMBOLS_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/symbols_fixture)
set(SNAG_SYMBOLS_FIXTURE_DEBUGLINK ${SNAG_SYMBOLS_FIXTURE_DIR}/debuglink/libsnag_symbols_fixture.so)
set(SNAG_SYMBOLS_FIXTURE_NODEBUG ${SNAG_SYMBOLS_FIXTURE_DIR}/nodebug/libsnag_symbols_fixture.so)
add_custom_command(
  OUTPUT ${SNAG_SYMBOLS_FIXTURE_DEBUGLINK} ${SNAG_SYMBOLS_FIXTURE_DEBUGLINK}.debug ${SNAG_SYMBOLS_FIXTURE_NODEBUG}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SNAG_SYMBOLS_FIXTURE_DIR}/debuglink ${SNAG_SYMBOLS_FIXTURE_DIR}/nodebug
  COMMAND ${SNAG_SYMBOLS_OBJCOPY} --only-keep-debug $<TARGET_FILE:snag_symbols_fixture>
          ${SNAG_SYMBOLS_FIXTURE_DEBUGLINK}.debug
  COMMAND ${SNAG_SYMBOLS_OBJCOPY} --strip-all --add-gnu-debuglink=${SNAG_SYMBOLS_FIXTURE_DEBUGLINK}.debug
          $<TARGET_FILE:snag_symbols_fixture> ${SNAG_SYMBOLS_FIXTURE_DEBUGLINK}
  COMMAND ${SNAG_SYMBOLS_OBJCOPY} --strip-all $<TARGET_FILE:snag_symbols_fixture> ${SNAG_SYMBOLS_FIXTURE_NODEBUG}
  DEPENDS snag_symbols_fixture
  COMMENT "Making stripped copies of the symboliser test fixture"
  VERBATIM)
add_custom_target(snag_symbols_fixture_stripped
  DEPENDS ${SNAG_SYMBOLS_FIXTURE_DEBUGLINK} ${SNAG_SYMBOLS_FIXTURE_NODEBUG})

add_executable(test_symbols ${CMAKE_CURRENT_LIST_DIR}/test_symbols.c)
snag_target_defaults(test_symbols SANITIZABLE)
target_include_directories(test_symbols PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include)
target_link_libraries(test_symbols PRIVATE snag_reader cmocka ${CMAKE_DL_LIBS})
target_compile_definitions(test_symbols PRIVATE
  SNAG_SYMBOLS_FIXTURE="$<TARGET_FILE:snag_symbols_fixture>"
  SNAG_SYMBOLS_FIXTURE_DEBUGLINK="${SNAG_SYMBOLS_FIXTURE_DEBUGLINK}"
  SNAG_SYMBOLS_FIXTURE_NODEBUG="${SNAG_SYMBOLS_FIXTURE_NODEBUG}")
add_dependencies(test_symbols snag_symbols_fixture snag_symbols_fixture_stripped)
add_test(NAME unit_symbols COMMAND test_symbols)
# A regression that blocks on a FIFO named by a trace should fail, not hang.
set_tests_properties(unit_symbols PROPERTIES TIMEOUT 120)
