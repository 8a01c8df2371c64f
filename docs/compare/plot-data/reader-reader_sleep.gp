set terminal svg size 800,500 dynamic font 'sans,12'
set termoption noenhanced
set output '/work/main/docs/compare/reader-reader_sleep.svg'
set title 'reader section cycles against reader_sleep (log axes; 0 drawn at 1; median and range over the seeds)'
set xlabel 'reader_sleep'
set ylabel 'reader section cycles'
set key outside right
set grid
set logscale y
plot '/work/main/docs/compare/plot-data/reader-reader_sleep-v5.dat' using 1:2:3:4 with yerrorlines title 'v5', '/work/main/docs/compare/plot-data/reader-reader_sleep-v5-pcpucount.dat' using 1:2:3:4 with yerrorlines title 'v5-pcpucount', '/work/main/docs/compare/plot-data/reader-reader_sleep-listphase-nodebug.dat' using 1:2:3:4 with yerrorlines title 'listphase-nodebug', '/work/main/docs/compare/plot-data/reader-reader_sleep-pertask.dat' using 1:2:3:4 with yerrorlines title 'pertask', '/work/main/docs/compare/plot-data/reader-reader_sleep-pertask-bitmap.dat' using 1:2:3:4 with yerrorlines title 'pertask-bitmap', '/work/main/docs/compare/plot-data/reader-reader_sleep-refcount.dat' using 1:2:3:4 with yerrorlines title 'refcount', '/work/main/docs/compare/plot-data/reader-reader_sleep-percpu-ref.dat' using 1:2:3:4 with yerrorlines title 'percpu-ref'
